package dev.syrup.api;

import com.fasterxml.jackson.databind.JsonNode;

/** syrupd's answer to one request: a result, or an error. */
public record Response(boolean ok, JsonNode result, ErrorInfo error) {
    public static Response success(JsonNode result) { return new Response(true, result, null); }

    public static Response failure(ErrorInfo error) { return new Response(false, null, error); }
}
