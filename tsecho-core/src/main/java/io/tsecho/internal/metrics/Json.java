package io.tsecho.internal.metrics;

import java.util.Locale;

/** A small JSON object writer for the reports: flat fields and nested objects, no dependencies. */
public final class Json {
  private final StringBuilder out = new StringBuilder("{");
  private boolean first = true;

  private Json key(String name) {
    if (!first) {
      out.append(',');
    }
    first = false;
    return str(name).raw(":");
  }

  private Json raw(String s) {
    out.append(s);
    return this;
  }

  private Json str(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        default:
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
      }
    }
    out.append('"');
    return this;
  }

  public Json put(String name, String value) {
    key(name);
    return value == null ? raw("null") : str(value);
  }

  public Json put(String name, long value) {
    return key(name).raw(Long.toString(value));
  }

  public Json put(String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return key(name).raw("null");
    }
    return key(name).raw(String.format(Locale.ROOT, "%.3f", value));
  }

  public Json put(String name, boolean value) {
    return key(name).raw(Boolean.toString(value));
  }

  public Json put(String name, Json nested) {
    return key(name).raw(nested.toString());
  }

  /** A latency summary as an object of microsecond figures. */
  public static Json of(LatencySummary s) {
    return new Json().put("count", s.count()).put("min_us", s.minMicros()).put("mean_us", s.meanMicros())
        .put("p50_us", s.p50Micros()).put("p90_us", s.p90Micros()).put("p99_us", s.p99Micros())
        .put("p99_9_us", s.p999Micros()).put("p99_99_us", s.p9999Micros()).put("max_us", s.maxMicros())
        .put("stddev_us", s.stddevMicros());
  }

  @Override
  public String toString() {
    return out + "}";
  }
}
