package dev.tether.admin.json;

/** {@code GET /health}. */
public record HealthJson(String status) {
  public static final HealthJson UP = new HealthJson("up");
}
