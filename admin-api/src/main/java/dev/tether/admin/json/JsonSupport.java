package dev.tether.admin.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.marshalling.Marshaller;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/** The one {@link ObjectMapper} of the admin API and the marshallers built on it. */
public final class JsonSupport {
  private JsonSupport() {}

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  /** The shared mapper; configure nothing on it after start. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Marshals any DTO of this package as {@code application/json}. */
  public static <T> Marshaller<T, RequestEntity> marshaller() {
    return Jackson.marshaller(MAPPER);
  }

  /** Reads an {@code application/json} body as a tree; malformed JSON becomes a 400 rejection. */
  public static Unmarshaller<HttpEntity, JsonNode> treeUnmarshaller() {
    return Jackson.unmarshaller(MAPPER, JsonNode.class);
  }

  /** A DTO as compact JSON text, e.g. for server-sent event data. */
  public static String write(Object dto) {
    try {
      return MAPPER.writeValueAsString(dto);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + dto.getClass().getSimpleName(), e);
    }
  }
}
