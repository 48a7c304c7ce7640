package dev.syrup.daemon;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.syrup.api.Json;
import dev.syrup.api.Request;
import dev.syrup.error.DomainException;
import java.util.Collection;
import java.util.List;

/**
 * Reads one request line strictly, as the protocol types it: no "9000" for 9000, no 1 or "true" for
 * true, no 42 for a string, nothing after the object and no field twice. What does not parse is
 * invalid-request, naming the field where there is one.
 */
final class RequestReader {
    private static final ObjectReader READER = strictReader();

    private RequestReader() {}

    static Request read(String line) {
        Request request;
        try {
            request = READER.readValue(line);
        } catch (JsonProcessingException e) {
            throw DomainException.invalid("malformed request: " + describe(e));
        }
        if (request == null || request.op() == null) {
            throw DomainException.invalid("a request needs \"op\"");
        }
        return request;
    }

    private static ObjectReader strictReader() {
        JsonMapper m = ((JsonMapper) Json.MAPPER).rebuild()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m.readerFor(Request.class);
    }

    /** What is wrong with a request that does not parse, naming the field where there is one. */
    private static String describe(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            List<JsonMappingException.Reference> path = u.getPath();
            String where = path.size() > 1 ? " in \"" + path(path.subList(0, path.size() - 1)) + "\"" : "";
            return "unknown field \"" + u.getPropertyName() + "\"" + where + " (known: "
                    + String.join(", ", u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")";
        }
        if (e instanceof MismatchedInputException m && m.getOriginalMessage().startsWith("Trailing token")) {
            return "more data after the request object (one request per line)";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            String what = m.getPath().isEmpty() ? "a request" : "\"" + path(m.getPath()) + "\"";
            return what + " must be " + expected(m.getTargetType());
        }
        String msg = e.getOriginalMessage();
        int marker = msg.indexOf(" (start marker at");
        return marker > 0 ? msg.substring(0, marker) : msg;
    }

    private static String path(List<JsonMappingException.Reference> path) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
