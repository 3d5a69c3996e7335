package dev.tether.admin.json;

import java.util.List;

/** {@code GET /listeners}: {@code {"listeners": [...]}}, ordered by name. */
public record ListenerListJson(List<ListenerJson> listeners) {}
