package io.tsecho.config;

/** Validation shared by the settings records: a bad value names itself and the range it must lie in. */
final class Checks {
  private Checks() {}

  static void requireRange(String what, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", got " + value);
    }
  }
}
