package io.tsecho.junit;

import io.tsecho.ReceivedMessage;
import io.tsecho.Tsecho;
import io.tsecho.config.Fault;
import io.tsecho.config.Protocol;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.protocol.Framing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A tsecho server for the tests of a network client: the stamp service (or another) on TCP and UDP
 * at 127.0.0.1, on one free port shared by both.
 *
 * <pre>{@code
 * class MyClientTest {
 *   @RegisterExtension static TsechoExtension server = new TsechoExtension();
 *
 *   @Test void getsAStamp() throws Exception {
 *     try (Socket s = new Socket(server.host(), server.port())) { ... }
 *     assertThat(server.received()).containsExactly("hello");
 *   }
 *   @Test void survivesAReset() { server.fault("reset"); ... }
 * }
 * }</pre>
 *
 * <p>In a static field, one server serves every test of the class and of its {@code @Nested}
 * classes; in an instance field, each test gets its own. Faults a test sets are cleared after it,
 * and {@link #received()} holds only what the current test sent. So one extension serves one test
 * at a time: tests that run concurrently each need their own, from an instance field of a class
 * with the default lifecycle. Two tests running at once on the same extension (a static field, or
 * {@code @TestInstance(PER_CLASS)}) fail at their start with an {@link IllegalStateException}.
 *
 * <p>The UDP limits against reflection and amplification are lifted, since only loopback clients
 * can reach the server.
 */
public final class TsechoExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {
  private static final String HOST = "127.0.0.1";

  private Service service = Service.STAMP;
  private Framing framing = Framing.AUTO;
  private String timeFormat = "ctime";
  private ZoneId zone = ZoneId.systemDefault();
  private Clock clock = Clock.systemUTC();
  private volatile Tsecho server;
  /** The server serves the whole class: started before all tests, stopped after them. */
  private boolean perClass;
  /** Classes begun and not finished: the test class and the @Nested classes within it, which share its server. */
  private int openClasses;
  /** The unique id of the test being served, or null between tests; and its name, for messages. */
  private String testRunning;
  private String testRunningName;

  /** The stamp service on TCP and UDP at 127.0.0.1, on a free port. */
  public TsechoExtension() {}

  /**
   * The service to run: {@code stamp} (the default), {@code echo}, {@code daytime}, {@code time} or
   * {@code whoami}.
   *
   * @throws IllegalArgumentException for another name
   */
  public TsechoExtension service(String name) {
    return service(Service.parse(name));
  }

  /** As {@link #service(String)}. */
  public TsechoExtension service(Service service) {
    requireNotStarted();
    this.service = Objects.requireNonNull(service, "service");
    return this;
  }

  /**
   * How TCP input is cut into messages: {@code auto} (the default: lines, and a trailing piece once
   * the client pauses), {@code line} or {@code raw} (each read).
   *
   * @throws IllegalArgumentException for another name
   */
  public TsechoExtension framing(String name) {
    for (Framing f : Framing.values()) {
      if (f.cliName().equals(name.toLowerCase(Locale.ROOT))) {
        return framing(f);
      }
    }
    throw new IllegalArgumentException("'" + name + "' is not a framing; use auto, line or raw");
  }

  /** As {@link #framing(String)}. */
  public TsechoExtension framing(Framing framing) {
    requireNotStarted();
    this.framing = Objects.requireNonNull(framing, "framing");
    return this;
  }

  /**
   * The stamps' format: {@code ctime} (the default), {@code iso}, {@code rfc3339}, {@code epoch-s},
   * {@code epoch-ms}, {@code epoch-us}, {@code epoch-ns}, or a {@link java.time.format.DateTimeFormatter}
   * pattern. Checked when the server starts.
   */
  public TsechoExtension timeFormat(String format) {
    requireNotStarted();
    this.timeFormat = Objects.requireNonNull(format, "format");
    return this;
  }

  /** The time zone of the stamps, for example {@code UTC} or {@code Europe/Paris}; the system's by default. */
  public TsechoExtension zone(String zone) {
    return zone(ZoneId.of(zone));
  }

  /** As {@link #zone(String)}. */
  public TsechoExtension zone(ZoneId zone) {
    requireNotStarted();
    this.zone = Objects.requireNonNull(zone, "zone");
    return this;
  }

  /**
   * The clock the stamps are read from: {@link Clock#fixed} gives every reply the same stamp, so a
   * test can expect exact bytes. The system's by default.
   */
  public TsechoExtension clock(Clock clock) {
    requireNotStarted();
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /** {@code 127.0.0.1}: the server listens on loopback only. */
  public String host() {
    return HOST;
  }

  /** The server's port, the same for TCP and UDP. */
  public int port() {
    return running().address().getPort();
  }

  /** {@link #host()} and {@link #port()} together. */
  public InetSocketAddress address() {
    return running().address();
  }

  /**
   * The messages the server received since the current test began, in order, each decoded as UTF-8
   * without its line ending: one per line on TCP (per read in {@code raw} framing, per read for
   * echo), one per datagram on UDP.
   */
  public List<String> received() {
    List<String> texts = new ArrayList<>();
    for (ReceivedMessage message : running().received()) {
      texts.add(message.text());
    }
    return texts;
  }

  /**
   * Adds a fault, written {@code KIND[:VALUE][@PROBABILITY]}: for TCP latency, bandwidth, slice,
   * stall, limit, reset, slow-close, refuse; for UDP drop, duplicate, delay, reorder, truncate. A
   * TCP fault hits the connections opened after it is set. It is cleared when the test ends.
   *
   * @throws IllegalArgumentException naming what is wrong with the spec
   */
  public void fault(String spec) {
    running().fault(spec);
  }

  /**
   * How many connections or datagrams faults of this kind have hit since the server started (with a
   * server per class, over all its tests so far).
   */
  public long faultsApplied(Fault.Kind kind) {
    return running().faultsApplied(kind);
  }

  /** Removes every fault; connections already open keep those they drew. */
  public void clearFaults() {
    running().clearFaults();
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    perClass = true;
    openClasses++;
    start();
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    // The messages and faults are the current test's: two at once would see each other's.
    if (testRunning != null) {
      throw new IllegalStateException("one TsechoExtension serves one test at a time, and " + testRunningName
          + " is running: give each concurrent test its own (an instance field, the default lifecycle), or run"
          + " these tests one at a time (@Execution(SAME_THREAD))");
    }
    testRunning = context.getUniqueId();
    testRunningName = context.getDisplayName();
    if (server == null) {
      start();
    } else {
      server.clearReceived();
    }
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    if (!context.getUniqueId().equals(testRunning)) {
      return; // a test refused at its start: the one running keeps its server
    }
    testRunning = null;
    if (perClass) {
      server.clearFaults();
    } else {
      stop();
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--openClasses == 0) {
      stop();
    }
  }

  private void start() {
    if (server != null) {
      return;
    }
    try {
      server = Tsecho.builder()
          .listen(service.cliName() + "/tcp/" + HOST + ":0")
          .listen(service.cliName() + "/udp/" + HOST + ":0")
          .framing(framing)
          .timeFormat(timeFormat)
          .zone(zone)
          .clock(clock)
          .udpLimits(new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM))
          .recordReceived()
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("tsecho could not start on " + HOST + ": " + e.getMessage(), e);
    }
    if (server.address(service, Protocol.TCP).getPort() != server.address(service, Protocol.UDP).getPort()) {
      throw new IllegalStateException("tsecho's TCP and UDP listeners got different ports");
    }
  }

  private void stop() {
    Tsecho running = server;
    server = null;
    if (running != null) {
      running.close();
    }
  }

  private Tsecho running() {
    Tsecho running = server;
    if (running == null) {
      throw new IllegalStateException("the tsecho server is not running: it runs during the tests of the class"
          + " that registers it with @RegisterExtension");
    }
    return running;
  }

  private void requireNotStarted() {
    if (server != null) {
      throw new IllegalStateException("the tsecho server is running: configure it where the extension is made");
    }
  }
}
