package dev.tether.connection;

/** Which side started the end of an incarnation. */
public enum Initiator {
  LOCAL("local"),
  PEER("peer");

  private final String wireName;

  Initiator(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
