package dev.tether.admin.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Every error response: {@code {"error": code, "message": text}}. A 400 caused by a request body
 * also lists each bad field with its own message in {@code fields}; other errors omit it.
 *
 * @param error what kind of error, written as its stable kebab-case code, e.g. {@code not-found}
 * @param message what went wrong, for humans
 * @param fields one entry per bad field, or absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorJson(ErrorCode error, String message, List<FieldError> fields) {

  public ErrorJson(ErrorCode error, String message) {
    this(error, message, null);
  }

  /** One bad field of a request body. */
  public record FieldError(String field, String message) {}
}
