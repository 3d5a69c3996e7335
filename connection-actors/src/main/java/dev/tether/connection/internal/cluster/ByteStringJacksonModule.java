package dev.tether.connection.internal.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import org.apache.pekko.util.ByteString;

/**
 * INTERNAL API: lets Pekko's Jackson serializer carry a {@link ByteString} (the bytes of a send, a
 * keepalive ping) as a binary value, in cluster mode where the protocol crosses nodes. Registered in
 * reference.conf under {@code pekko.serialization.jackson.jackson-modules}.
 */
public final class ByteStringJacksonModule extends SimpleModule {
  public ByteStringJacksonModule() {
    super("TetherByteString");
    addSerializer(ByteString.class, new Writer());
    addDeserializer(ByteString.class, new Reader());
  }

  /**
   * A ByteString as one binary value. Also named on the ByteString fields of the protocol
   * ({@code @JsonSerialize(using = ...)}): Jackson's Scala module, registered by Pekko, would
   * otherwise take a ByteString for a Scala collection, whatever the order of the modules.
   */
  public static final class Writer extends StdSerializer<ByteString> {
    public Writer() {
      super(ByteString.class);
    }

    @Override
    public void serialize(ByteString value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeBinary(value.toArrayUnsafe());
    }
  }

  public static final class Reader extends StdDeserializer<ByteString> {
    public Reader() {
      super(ByteString.class);
    }

    @Override
    public ByteString deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      return ByteString.fromArrayUnsafe(p.getBinaryValue());
    }
  }
}
