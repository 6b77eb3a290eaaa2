package io.tsecho.internal.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import picocli.CommandLine.TypeConversionException;

/**
 * Sizes and durations as typed on the command line: a value, or picocli's conversion error with a
 * message; never another exception, never a negative or wrapped-around value.
 *
 * <p>Input: a template byte, then digits and anything else. The whole input, as UTF-8, is converted as
 * typed; then the digits of the rest are written as the template says (bit 0: a size, or a duration;
 * bits 1-2: the unit; bit 3: in upper case; bit 4: after a space; bit 5: a duration's digits with a
 * fraction), converted, and the result checked against exact arithmetic.
 */
class ConvertersFuzzTest {
  private static final List<String> SIZE_UNITS = List.of("", "k", "m", "g");
  private static final List<BigInteger> SIZE_FACTORS =
      List.of(BigInteger.ONE, BigInteger.valueOf(1L << 10), BigInteger.valueOf(1L << 20), BigInteger.valueOf(1L << 30));
  private static final List<String> TIME_UNITS = List.of("ms", "s", "m", "h");
  private static final List<Long> TIME_FACTORS_MILLIS = List.of(1L, 1_000L, 60_000L, 3_600_000L);
  /** The longest duration accepted: Integer.MAX_VALUE seconds. */
  private static final BigDecimal MAX_MILLIS = BigDecimal.valueOf(Integer.MAX_VALUE).multiply(BigDecimal.valueOf(1000));

  private final Converters.Size size = new Converters.Size();
  private final Converters.Time time = new Converters.Time();

  @FuzzTest
  void sizesAndDurationsAreExactOrRefused(byte[] input) {
    String typed = new String(input, UTF_8);
    Integer bytes = convert(size::convert, typed);
    if (bytes != null) {
      assertThat(bytes).as("size '%s'", typed).isNotNegative();
    }
    Duration duration = convert(time::convert, typed);
    if (duration != null) {
      assertThat(duration).as("duration '%s'", typed).isBetween(Duration.ZERO, Duration.ofSeconds(Integer.MAX_VALUE));
    }

    if (input.length == 0) {
      return;
    }
    int template = input[0];
    String number = digitsOf(typed.substring(1), (template & 1) == 1 && (template & 32) != 0);
    int unit = (template >> 1) & 3;
    String space = (template & 16) != 0 ? " " : "";
    if ((template & 1) == 0) {
      String text = number + space + upper(SIZE_UNITS.get(unit), template);
      BigInteger exact = new BigInteger(number).multiply(SIZE_FACTORS.get(unit));
      Integer converted = convert(size::convert, text);
      if (exact.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) <= 0) {
        assertThat(converted).as("size '%s'", text).isEqualTo(exact.intValueExact());
      } else {
        assertThat(converted).as("size '%s' is refused", text).isNull();
      }
    } else {
      String text = number + space + upper(TIME_UNITS.get(unit), template);
      BigDecimal exactMillis = new BigDecimal(number).multiply(BigDecimal.valueOf(TIME_FACTORS_MILLIS.get(unit)));
      Duration converted = convert(time::convert, text);
      if (exactMillis.compareTo(MAX_MILLIS) <= 0) {
        assertThat(converted).as("duration '%s'", text).isNotNull();
        BigDecimal exactNanos = exactMillis.movePointRight(6);
        BigDecimal error = new BigDecimal(converted.toNanos()).subtract(exactNanos).abs();
        // Converted through a double: within a nanosecond or a few parts in 10^15.
        assertThat(error).as("duration '%s' is %s", text, converted)
            .isLessThanOrEqualTo(BigDecimal.ONE.max(exactNanos.movePointLeft(14)));
      } else if (exactMillis.compareTo(MAX_MILLIS.add(BigDecimal.ONE)) > 0) {
        assertThat(converted).as("duration '%s' is refused", text).isNull();
      }
    }
  }

  /** The value, or null for a conversion error with a message; any other exception fails the test. */
  private static <T> T convert(Function<String, T> converter, String text) {
    try {
      return converter.apply(text);
    } catch (TypeConversionException e) {
      assertThat(e.getMessage()).as("message for '%s'", text).startsWith("'" + text + "' is ");
      return null;
    } catch (RuntimeException e) {
      throw new AssertionError("'" + text + "' threw " + e + " instead of a message", e);
    }
  }

  /** The ASCII digits of {@code s} (at least one), with a fraction after the first half if asked. */
  private static String digitsOf(String s, boolean fraction) {
    StringBuilder digits = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        digits.append(s.charAt(i));
      }
    }
    if (digits.length() == 0) {
      digits.append('0');
    }
    if (fraction && digits.length() > 1) {
      digits.insert((digits.length() + 1) / 2, '.');
    }
    return digits.toString();
  }

  private static String upper(String unit, int template) {
    return (template & 8) != 0 ? unit.toUpperCase(Locale.ROOT) : unit;
  }
}
