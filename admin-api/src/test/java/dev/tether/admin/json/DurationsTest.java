package dev.tether.admin.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesWholeNumbersWithAUnit() {
    assertEquals(Duration.ofMillis(1500), Durations.parse("1500ms"));
    assertEquals(Duration.ofSeconds(2), Durations.parse("2s"));
    assertEquals(Duration.ofMinutes(1), Durations.parse("1m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
  }

  @Test
  void rejectsAnythingElse() {
    for (String bad : new String[] {"abc", "", "2", "1.5s", "2 s", "-1s", "2S", "PT2S", "2d", "1000000000000000ms"}) {
      var e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertEquals(true, e.getMessage().startsWith("must be a duration such as \"1500ms\""), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Durations.parse(null));
  }

  @Test
  void formatsAsSecondsWhenWholeElseMilliseconds() {
    assertEquals("2s", Durations.format(Duration.ofSeconds(2)));
    assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
    assertEquals("0s", Durations.format(Duration.ZERO));
  }
}
