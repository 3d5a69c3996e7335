package dev.tether.connection.internal.cluster;

import dev.tether.connection.journal.ConnectionJournal;
import java.util.Optional;

/** Package-private cluster messages, made for serialization tests in other packages. */
public final class ClusterMessagesForTests {
  private ClusterMessagesForTests() {}

  /** What a member answers when asked for a journal it has (a live connection's). */
  public static Object memberJournal(String node, ConnectionJournal journal) {
    return new JournalOnMember.MemberJournal(node, Optional.of(journal), true);
  }
}
