package dev.tether.connection.handlers;

import java.util.Locale;
import java.util.Optional;

/**
 * One line of the {@code jobs} protocol, parsed. Keywords are case-insensitive; the {@code AUTH}
 * token is taken as written.
 */
sealed interface JobsCommand {
  /** The longest job, in seconds (a day). */
  int MAX_SECONDS = 86_400;

  /** {@code RUN <seconds>}: start a job that finishes after that many seconds. */
  record Run(int seconds) implements JobsCommand {}

  /** {@code STATUS}: is a job running, and for how long. */
  enum Status implements JobsCommand { INSTANCE }

  /** {@code CANCEL}: stop the running job. */
  enum Cancel implements JobsCommand { INSTANCE }

  /** {@code PING}. */
  enum Ping implements JobsCommand { INSTANCE }

  /** {@code QUIT}: say goodbye and close. */
  enum Quit implements JobsCommand { INSTANCE }

  /** {@code AUTH <token>}: the token is the rest of the line, trimmed. */
  record Auth(String token) implements JobsCommand {
    @Override
    public String toString() {
      return "Auth[token=***]"; // never in a log
    }
  }

  /** A known keyword with wrong arguments; {@code usage} is how to call it. */
  record Malformed(String usage) implements JobsCommand {}

  /** A keyword the protocol does not have. */
  enum Unknown implements JobsCommand { INSTANCE }

  /** How to call {@code RUN}, with the range of its argument. */
  String RUN_USAGE = "RUN <seconds> (0.." + MAX_SECONDS + ")";

  /** Parses one line (without its terminator); empty for a line that is blank. */
  static Optional<JobsCommand> parse(String line) {
    String[] words = line.strip().split("\\s+", 2);
    if (words[0].isEmpty()) return Optional.empty();
    String keyword = words[0].toUpperCase(Locale.ROOT);
    String args = words.length > 1 ? words[1] : "";
    return Optional.of(switch (keyword) {
      case "RUN" -> run(args);
      case "STATUS" -> args.isEmpty() ? Status.INSTANCE : new Malformed("STATUS");
      case "CANCEL" -> args.isEmpty() ? Cancel.INSTANCE : new Malformed("CANCEL");
      case "PING" -> args.isEmpty() ? Ping.INSTANCE : new Malformed("PING");
      case "QUIT" -> args.isEmpty() ? Quit.INSTANCE : new Malformed("QUIT");
      case "AUTH" -> args.isEmpty() ? new Malformed("AUTH <token>") : new Auth(args);
      default -> Unknown.INSTANCE;
    });
  }

  private static JobsCommand run(String args) {
    boolean digits = !args.isEmpty() && args.length() <= 9 && args.chars().allMatch(c -> c >= '0' && c <= '9');
    if (digits && Integer.parseInt(args) <= MAX_SECONDS) return new Run(Integer.parseInt(args));
    return new Malformed(RUN_USAGE);
  }
}
