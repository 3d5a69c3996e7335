package dev.tether.connection.internal.cluster;

import dev.tether.connection.ConnectionManager;
import dev.tether.connection.ConnectionView;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/** INTERNAL API: one member's manager is asked for the connections it runs (cluster-wide listing). */
public record ListLocal(ActorRef<LocalList> replyTo) implements ConnectionManager.Command, ClusterMessage {

  /**
   * One page of a member's connections: a member answers with as many as it needs, the last marked,
   * so that no message exceeds Artery's frame size (256 KiB by default; a view is up to a few KB).
   *
   * @param node the member, {@code host:port}
   * @param last no more pages follow from this member
   */
  public record LocalList(String node, List<ConnectionView> connections, boolean last) implements ClusterMessage {}

  /** Views per page: a view with a full history is a few KB, so a page stays far below the frame size. */
  static final int PAGE = 50;

  /** The pages of {@code views}: at least one (possibly empty), the last marked. */
  public static List<LocalList> pages(String node, List<ConnectionView> views) {
    List<List<ConnectionView>> chunks = chunks(views, PAGE);
    List<LocalList> pages = new java.util.ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) pages.add(new LocalList(node, chunks.get(i), i == chunks.size() - 1));
    return pages;
  }

  /** {@code items} in order, {@code size} at most each; one empty chunk for no items. */
  static <T> List<List<T>> chunks(List<T> items, int size) {
    List<List<T>> chunks = new java.util.ArrayList<>();
    for (int from = 0; from < items.size() || chunks.isEmpty(); from += size) {
      chunks.add(List.copyOf(items.subList(from, Math.min(items.size(), from + size))));
    }
    return chunks;
  }
}
