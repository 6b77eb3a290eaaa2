package io.tsecho.internal.client.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** When shards begin their warm-up together: an ISO-8601 instant, or {@code +30s} from now. */
public final class StartAt {
  private static final Pattern RELATIVE = Pattern.compile("\\+(\\d{1,7})(ms|s|m|h)?");

  private StartAt() {}

  public static Instant parse(String text, Clock clock) {
    Instant now = clock.instant();
    Instant at;
    Matcher m = RELATIVE.matcher(text.trim());
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      at = now.plus(switch (unit) {
        case "ms" -> Duration.ofMillis(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofSeconds(amount);
      });
    } else {
      try {
        at = Instant.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--start-at: '" + text + "' is neither an instant such as"
            + " 2026-11-25T20:00:00Z nor a delay such as +30s");
      }
      if (!at.isAfter(now)) {
        throw new IllegalArgumentException("--start-at: " + at + " is already past (now " + now + ")");
      }
    }
    return at;
  }
}
