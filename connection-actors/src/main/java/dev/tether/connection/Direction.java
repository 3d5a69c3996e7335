package dev.tether.connection;

/** Which side opened a connection. */
public enum Direction {
  /** We connected to the peer (a {@link ConnectionSpec}); reconnected by its policy. */
  OUTBOUND("outbound"),
  /** A client connected to one of our listeners; never reconnected. */
  INBOUND("inbound");

  private final String wireName;

  Direction(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in the REST API ({@code "direction"}), logs and metric labels. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses {@code inbound} or {@code outbound}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static Direction fromWireName(String text) {
    for (Direction d : values()) {
      if (d.wireName.equals(text)) return d;
    }
    throw new IllegalArgumentException("unknown direction '" + text + "', expected inbound or outbound");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
