package dev.tether.admin.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.junit.jupiter.api.Test;

/** The error codes are part of the REST contract: their wire names and statuses must not drift. */
class ErrorCodeTest {

  @Test
  void wireNamesAndStatuses() {
    Map<String, Integer> expected = new LinkedHashMap<>();
    expected.put("invalid-request", 400);
    expected.put("invalid-parameter", 400);
    expected.put("not-found", 404);
    expected.put("already-exists", 409);
    expected.put("not-open", 409);
    expected.put("not-reconnectable", 409);
    expected.put("buffer-full", 503);
    expected.put("reload-failed", 400);
    expected.put("manager-timeout", 503);
    expected.put("store-unconfirmed", 503);
    expected.put("unauthorized", 401);
    expected.put("payload-too-large", 413);
    expected.put("bad-request", 400);
    expected.put("method-not-allowed", 405);
    expected.put("not-acceptable", 406);
    expected.put("unsupported-media-type", 415);
    expected.put("internal-error", 500);
    expected.put("request-rejected", 400);
    Map<String, Integer> actual = new LinkedHashMap<>();
    for (ErrorCode c : ErrorCode.values()) actual.put(c.wireName(), c.status().intValue());
    assertEquals(expected, actual);
  }

  @Test
  void rejectionsMapByStatus() {
    assertEquals(ErrorCode.BAD_REQUEST, ErrorCode.ofRejection(StatusCodes.BAD_REQUEST));
    assertEquals(ErrorCode.UNAUTHORIZED, ErrorCode.ofRejection(StatusCodes.UNAUTHORIZED));
    assertEquals(ErrorCode.NOT_FOUND, ErrorCode.ofRejection(StatusCodes.NOT_FOUND));
    assertEquals(ErrorCode.METHOD_NOT_ALLOWED, ErrorCode.ofRejection(StatusCodes.METHOD_NOT_ALLOWED));
    assertEquals(ErrorCode.NOT_ACCEPTABLE, ErrorCode.ofRejection(StatusCodes.NOT_ACCEPTABLE));
    assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, ErrorCode.ofRejection(StatusCodes.CONTENT_TOO_LARGE));
    assertEquals(ErrorCode.UNSUPPORTED_MEDIA_TYPE, ErrorCode.ofRejection(StatusCodes.UNSUPPORTED_MEDIA_TYPE));
    assertEquals(ErrorCode.INTERNAL_ERROR, ErrorCode.ofRejection(StatusCodes.BAD_GATEWAY));
    assertEquals(ErrorCode.REQUEST_REJECTED, ErrorCode.ofRejection(StatusCodes.CONFLICT));
  }

  @Test
  void errorJsonIsWrittenAsBefore() {
    assertEquals("{\"error\":\"not-found\",\"message\":\"no connection with id 'a'\"}",
        JsonSupport.write(new ErrorJson(ErrorCode.NOT_FOUND, "no connection with id 'a'")));
    assertEquals("{\"error\":\"invalid-request\",\"message\":\"port: is required\",\"fields\":[{\"field\":\"port\","
            + "\"message\":\"is required\"}]}",
        JsonSupport.write(new ErrorJson(ErrorCode.INVALID_REQUEST, "port: is required",
            List.of(new ErrorJson.FieldError("port", "is required")))));
  }
}
