package dev.tether.admin;

import static org.apache.pekko.http.javadsl.server.Directives.*;

import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The operator's console: {@code GET /} and {@code GET /ui/} serve one static page, and {@code
 * /ui/console.css}, {@code /ui/console.js} its assets, all from this jar's resources (plain HTML,
 * CSS and JavaScript; nothing from elsewhere, no build step).
 *
 * <p>The page holds no data, so serving it needs no token: every data request the page makes goes
 * to the admin API and carries the token in the {@code Authorization} header (see console.js).
 * The headers below keep it that way: the Content-Security-Policy lets the page load only its own
 * assets and talk only to this origin, and forbids form submission, so that even with scripts
 * off the token form can never put the token in a URL.
 */
final class ConsoleRoutes {
  private ConsoleRoutes() {}

  private static final String RESOURCES = "dev/tether/admin/console/";

  private static final ContentType HTML = ContentTypes.TEXT_HTML_UTF8;
  private static final ContentType CSS = MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8);
  private static final ContentType JS = MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);

  private static final List<HttpHeader> HEADERS = List.of(
      RawHeader.create("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self';"
          + " connect-src 'self'; img-src 'self' data:; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"),
      // Small files that change with each release of the jar: always revalidate.
      RawHeader.create("Cache-Control", "no-cache"));

  /** The page and its assets; every other path is left to the admin routes. */
  static Route routes() {
    // Paths outermost, methods innermost: a PUT to some other path must still end as a 404.
    return concat(
        pathSingleSlash(() -> resource("index.html", HTML)),
        pathPrefix("ui", () -> concat(
            pathEnd(() -> get(() -> redirect(Uri.create("/ui/"), StatusCodes.MOVED_PERMANENTLY))),
            pathSingleSlash(() -> resource("index.html", HTML)),
            // Each asset by name: nothing else under the resource folder can be reached.
            path("console.css", () -> resource("console.css", CSS)),
            path("console.js", () -> resource("console.js", JS)))));
  }

  private static Route resource(String name, ContentType type) {
    return get(() -> respondWithHeaders(HEADERS,
        () -> getFromResource(RESOURCES + name, type, ConsoleRoutes.class.getClassLoader())));
  }
}
