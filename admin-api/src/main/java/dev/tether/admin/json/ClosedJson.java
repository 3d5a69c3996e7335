package dev.tether.admin.json;

/**
 * {@code DELETE /connections/{id}}: the id and how its last incarnation ended; also each entry of
 * {@code DELETE /listeners/{name}}'s {@code connections}.
 */
public record ClosedJson(String id, OutcomeJson outcome) {}
