package dev.tether.admin.json;

import java.util.List;

/** {@code GET /connections}: {@code {"connections": [...]}}. */
public record ConnectionListJson(List<ConnectionJson> connections) {}
