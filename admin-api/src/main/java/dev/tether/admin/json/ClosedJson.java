package dev.tether.admin.json;

/** {@code DELETE /connections/{id}}: the id and how its last incarnation ended. */
public record ClosedJson(String id, OutcomeJson outcome) {}
