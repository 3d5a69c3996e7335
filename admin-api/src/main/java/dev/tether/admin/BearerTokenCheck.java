package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import dev.tether.admin.json.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The admin API's one credential: with {@code tether.admin.token} set, every admin path needs
 * {@code Authorization: Bearer <token>}; without it, none does.
 */
final class BearerTokenCheck {
  /** The digest of the expected header value; empty when no token is set. */
  private final Optional<byte[]> expected;

  BearerTokenCheck(Optional<String> token) {
    this.expected = token.map(t -> sha256("Bearer " + t));
  }

  /** {@code inner}, or a 401 with {@code WWW-Authenticate} when the header is missing or wrong. */
  Route authenticated(Supplier<Route> inner) {
    if (expected.isEmpty()) return inner.get();
    return optionalHeaderValueByName("Authorization", header -> {
      // Compare digests in constant time, so neither the content nor the length of the token leaks.
      boolean ok = header.isPresent() && MessageDigest.isEqual(sha256(header.get()), expected.get());
      if (ok) return inner.get();
      return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"tether\""),
          () -> AdminRoutes.error(ErrorCode.UNAUTHORIZED, header.isPresent()
              ? "the bearer token is wrong" : "this API requires Authorization: Bearer <token>"));
    });
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
