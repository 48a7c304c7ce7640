package dev.syrup.api;

/** A policy as sent to syrupd: the name errors use, and the C source. */
public record PolicyText(String name, String source) {}
