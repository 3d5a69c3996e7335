package dev.tether.admin.json;

/** {@code POST /connections/{id}/send}: how many bytes the TLS stage took. */
public record SentJson(int bytes) {}
