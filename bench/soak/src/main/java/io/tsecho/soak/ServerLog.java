package io.tsecho.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server's log says about a run: its connections closed, by reason, and every warning,
 * error and leak report (Netty's leak detector writes "LEAK:"), of which the first few are kept.
 */
record ServerLog(Map<String, Long> closeReasons, long warnings, long leaks, List<String> examples) {
  private static final int EXAMPLES = 10;
  private static final String REASON = " reason=";

  static ServerLog read(Path log) throws IOException {
    Map<String, Long> reasons = new TreeMap<>();
    long warnings = 0;
    long leaks = 0;
    List<String> examples = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        int reason = line.indexOf(REASON);
        boolean leak = line.contains("LEAK:");
        boolean warning = line.contains(" WARN ") || line.contains(" ERROR ");
        if (reason >= 0 && !warning) {
          reasons.merge(line.substring(reason + REASON.length()), 1L, Long::sum);
        }
        if (leak || warning) {
          leaks += leak ? 1 : 0;
          warnings += warning ? 1 : 0;
          if (examples.size() < EXAMPLES) {
            examples.add(line);
          }
        }
      }
    }
    return new ServerLog(reasons, warnings, leaks, examples);
  }
}
