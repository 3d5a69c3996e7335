package dev.tether.connection.handlers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JobsCommandTest {
  private static final JobsCommand RUN_USAGE = new JobsCommand.Malformed("RUN <seconds> (0..86400)");

  static Stream<Arguments> lines() {
    return Stream.of(
        Arguments.of("RUN 5", new JobsCommand.Run(5)),
        Arguments.of("run 5", new JobsCommand.Run(5)),
        Arguments.of("  Run \t 5  ", new JobsCommand.Run(5)),
        Arguments.of("RUN 0", new JobsCommand.Run(0)),
        Arguments.of("RUN 007", new JobsCommand.Run(7)),
        Arguments.of("RUN 86400", new JobsCommand.Run(86_400)),
        Arguments.of("RUN 86401", RUN_USAGE),
        Arguments.of("RUN 99999999999", RUN_USAGE),
        Arguments.of("RUN", RUN_USAGE),
        Arguments.of("RUN -1", RUN_USAGE),
        Arguments.of("RUN +1", RUN_USAGE),
        Arguments.of("RUN 1.5", RUN_USAGE),
        Arguments.of("RUN 1 2", RUN_USAGE),
        Arguments.of("RUN soon", RUN_USAGE),
        Arguments.of("RUN \uFF15", RUN_USAGE), // a full-width 5: digits are ASCII only
        Arguments.of("STATUS", JobsCommand.Status.INSTANCE),
        Arguments.of("status", JobsCommand.Status.INSTANCE),
        Arguments.of("STATUS now", new JobsCommand.Malformed("STATUS")),
        Arguments.of("CANCEL", JobsCommand.Cancel.INSTANCE),
        Arguments.of("Cancel 1", new JobsCommand.Malformed("CANCEL")),
        Arguments.of("PING", JobsCommand.Ping.INSTANCE),
        Arguments.of("pInG", JobsCommand.Ping.INSTANCE),
        Arguments.of("PING PING", new JobsCommand.Malformed("PING")),
        Arguments.of("QUIT", JobsCommand.Quit.INSTANCE),
        Arguments.of("quit please", new JobsCommand.Malformed("QUIT")),
        Arguments.of("AUTH s3cret", new JobsCommand.Auth("s3cret")),
        Arguments.of("auth S3cret", new JobsCommand.Auth("S3cret")),
        Arguments.of("AUTH  two words ", new JobsCommand.Auth("two words")),
        Arguments.of("AUTH", new JobsCommand.Malformed("AUTH <token>")),
        Arguments.of("HELLO", JobsCommand.Unknown.INSTANCE),
        Arguments.of("RUNNING 1", JobsCommand.Unknown.INSTANCE),
        Arguments.of("PINGS", JobsCommand.Unknown.INSTANCE));
  }

  @ParameterizedTest(name = "\"{0}\" -> {1}")
  @MethodSource("lines")
  void parsesOneLine(String line, JobsCommand expected) {
    assertEquals(Optional.of(expected), JobsCommand.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t", "  \t "})
  void aBlankLineIsNoCommand(String line) {
    assertEquals(Optional.empty(), JobsCommand.parse(line));
  }

  @Test
  void theUsageOfRunSaysTheRange() {
    assertEquals("RUN <seconds> (0..86400)", JobsCommand.RUN_USAGE);
  }

  @Test
  void anAuthTokenNeverAppearsInToString() {
    assertFalse(new JobsCommand.Auth("s3cret").toString().contains("s3cret"));
  }
}
