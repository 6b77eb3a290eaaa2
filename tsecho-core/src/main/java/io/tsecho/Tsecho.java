package io.tsecho;

import io.tsecho.config.Fault;
import io.tsecho.config.FaultSettings;
import io.tsecho.config.Listener;
import io.tsecho.config.Protocol;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.server.ServerEvents;
import io.tsecho.internal.server.TsechoServer;
import io.tsecho.protocol.Framing;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A tsecho server running inside this JVM, for tests of network clients: any listeners, the
 * stamps of a clock the test controls, and faults it can set and clear while the server runs.
 *
 * <pre>{@code
 * try (Tsecho server = Tsecho.builder()
 *     .listen("stamp/tcp/127.0.0.1:0").listen("stamp/udp/127.0.0.1:0")
 *     .clock(Clock.fixed(Instant.parse("2018-01-09T21:14:00Z"), ZoneOffset.UTC)).zone(ZoneOffset.UTC)
 *     .fault("latency:100ms")
 *     .start()) {
 *   InetSocketAddress address = server.address(); // replies "[Tue Jan  9 21:14:00 2018] ..." 100 ms late
 * }
 * }</pre>
 *
 * <p>Thread-safe: faults may be changed and received messages read from any thread.
 */
public final class Tsecho implements AutoCloseable {
  private final TsechoServer server;
  private final ServerConfig config;
  private final MessageRecorder recorder;
  private boolean closed;

  private Tsecho(TsechoServer server, ServerConfig config, MessageRecorder recorder) {
    this.server = server;
    this.config = config;
    this.recorder = recorder;
  }

  /** A builder with the defaults: the stamp service on TCP at 127.0.0.1, on a free port. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address of the first listener, with the port it got. */
  public InetSocketAddress address() {
    return server.localAddress();
  }

  /**
   * The address of the first listener of this service and protocol, with the port it got.
   *
   * @throws IllegalArgumentException when the server has no such listener
   */
  public InetSocketAddress address(Service service, Protocol protocol) {
    for (TsechoServer.Bound bound : server.bound()) {
      if (bound.listener().service() == service && bound.listener().protocol() == protocol) {
        return bound.address();
      }
    }
    throw new IllegalArgumentException("no " + service.cliName() + "/" + protocol.cliName() + " listener here; listeners: "
        + config.listeners());
  }

  /** Every listener's address, in the order they were given, with the ports they got. */
  public List<InetSocketAddress> addresses() {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (TsechoServer.Bound bound : server.bound()) {
      addresses.add(bound.address());
    }
    return addresses;
  }

  /**
   * Adds a fault, written {@code KIND[:VALUE][@PROBABILITY]} (for example {@code latency:100ms~20ms},
   * {@code reset@0.1}, {@code drop}). A TCP fault hits the connections opened from now on; a UDP
   * fault the datagrams received from now on.
   *
   * @throws IllegalArgumentException naming what is wrong with the spec, or when no listener can take the fault
   */
  public void fault(String spec) {
    fault(Fault.parse(spec));
  }

  /** As {@link #fault(String)}, with a fault already parsed. */
  public synchronized void fault(Fault fault) {
    requireOpen();
    List<Fault> faults = new ArrayList<>(server.faults().active());
    faults.add(Objects.requireNonNull(fault, "fault"));
    setFaults(faults);
  }

  /**
   * Replaces every fault. Connections already open keep the faults they drew when they opened.
   *
   * @throws IllegalArgumentException when no listener can take one of the faults
   */
  public synchronized void setFaults(List<Fault> faults) {
    requireOpen();
    new FaultSettings(faults, server.faults().seed()).requireApplicable(config.listeners());
    server.faults().set(faults);
  }

  /** Removes every fault; connections already open keep the faults they drew when they opened. */
  public synchronized void clearFaults() {
    requireOpen();
    server.faults().clear();
  }

  /** The faults in force now. */
  public List<Fault> faults() {
    return server.faults().active();
  }

  /** How many connections or datagrams faults of this kind have hit since the server started. */
  public long faultsApplied(Fault.Kind kind) {
    return server.faults().applied(kind);
  }

  /** The seed of the generator that decides which connections and datagrams a fault hits. */
  public long faultSeed() {
    return server.faults().seed();
  }

  /**
   * The messages received since the server started or {@link #clearReceived()}, in the order the
   * server received them: the first {@value MessageRecorder#LIMIT}, or 64 MiB, and {@link #receivedNotKept()}
   * counts the others.
   *
   * @throws IllegalStateException unless the builder asked for {@link Builder#recordReceived()}
   */
  public List<ReceivedMessage> received() {
    return recorder().snapshot();
  }

  /** Messages received past the first {@value MessageRecorder#LIMIT}, or 64 MiB, since the last clear, and so not kept. */
  public long receivedNotKept() {
    return recorder().dropped();
  }

  /** Forgets the messages received so far. */
  public void clearReceived() {
    recorder().clear();
  }

  private MessageRecorder recorder() {
    if (recorder == null) {
      throw new IllegalStateException("this server does not record what it receives: build it with recordReceived()");
    }
    return recorder;
  }

  /** Stops accepting, lets each connection answer what it has read, closes everything and frees the threads. */
  @Override
  public synchronized void close() {
    closed = true;
    server.close();
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("this tsecho server is closed: faults can no longer be set");
    }
  }

  /** Collects a server's settings; {@link #start()} validates them and starts it. */
  public static final class Builder {
    private final List<Listener> listeners = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private Framing framing = Framing.AUTO;
    private String timeFormat = "ctime";
    private ZoneId zone = ZoneId.systemDefault();
    private Clock clock = Clock.systemUTC();
    private Long faultSeed;
    private UdpLimits udpLimits = UdpLimits.DEFAULTS;
    private int threads = 1;
    private boolean recordReceived;

    private Builder() {}

    /**
     * Adds a listener, written {@code SERVICE/PROTOCOL/ADDRESS:PORT}, for example
     * {@code echo/udp/127.0.0.1:0}. Services: stamp, echo, daytime, time, whoami; protocols: tcp,
     * udp. Port 0 picks a free port, and listeners on one address that ask for 0 share it. With no
     * listener, the server serves {@code stamp/tcp/127.0.0.1:0}.
     *
     * @throws IllegalArgumentException naming the malformed part
     */
    public Builder listen(String spec) {
      return listen(Listener.parse(spec));
    }

    /** As {@link #listen(String)}, with a listener already made. */
    public Builder listen(Listener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** How TCP stamp connections are cut into messages; {@link Framing#AUTO} by default. */
    public Builder framing(Framing framing) {
      this.framing = Objects.requireNonNull(framing, "framing");
      return this;
    }

    /**
     * The stamps' format: {@code ctime} (the default), {@code iso}, {@code rfc3339},
     * {@code epoch-s}, {@code epoch-ms}, {@code epoch-us}, {@code epoch-ns}, or a
     * {@link java.time.format.DateTimeFormatter} pattern.
     */
    public Builder timeFormat(String timeFormat) {
      this.timeFormat = Objects.requireNonNull(timeFormat, "timeFormat");
      return this;
    }

    /** The time zone of the stamps; the system's by default. */
    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    /**
     * The clock the stamps are read from: {@link Clock#fixed} freezes them, a clock of the test's
     * own moves them when the test says. The system's by default.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * A fault to start with, written {@code KIND[:VALUE][@PROBABILITY]}; repeatable.
     *
     * @throws IllegalArgumentException naming what is wrong with the spec
     */
    public Builder fault(String spec) {
      return fault(Fault.parse(spec));
    }

    /** As {@link #fault(String)}, with a fault already made. */
    public Builder fault(Fault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /** The seed of the generator that draws faults by their probability; random by default. */
    public Builder faultSeed(long seed) {
      this.faultSeed = seed;
      return this;
    }

    /**
     * The UDP limits against reflection and amplification: 20 replies per second per source and
     * 5,000 per listener by default. A test that sends bursts from loopback may lift them with
     * {@code new UdpLimits(0, 0, false, UdpLimits.DEFAULT_MAX_DATAGRAM)}.
     */
    public Builder udpLimits(UdpLimits udpLimits) {
      this.udpLimits = Objects.requireNonNull(udpLimits, "udpLimits");
      return this;
    }

    /** Event-loop threads; 1 by default, plenty for a test's traffic. 0 is one per core. */
    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    /** Keep a copy of every message received, for {@link Tsecho#received()}. */
    public Builder recordReceived() {
      this.recordReceived = true;
      return this;
    }

    /**
     * Validates the settings, binds every listener and starts serving.
     *
     * @throws IllegalArgumentException naming a bad setting
     * @throws IOException when a socket cannot be bound or a host name does not resolve
     */
    public Tsecho start() throws IOException {
      ServerConfig.Builder settings = ServerConfig.builder()
          .framing(framing)
          .timeFormat(timeFormat)
          .zone(zone)
          .udpLimits(udpLimits)
          .threads(threads)
          .faults(new FaultSettings(faults, faultSeed != null ? faultSeed : FaultSettings.randomSeed()));
      if (listeners.isEmpty()) {
        settings.listen(new Listener(Service.STAMP, Protocol.TCP, "127.0.0.1", 0));
      }
      listeners.forEach(settings::listen);
      ServerConfig config = settings.build();
      MessageRecorder recorder = recordReceived ? new MessageRecorder() : null;
      TsechoServer server = recorder == null
          ? TsechoServer.start(config, clock)
          : TsechoServer.start(config, clock, ServerEvents.NONE, recorder);
      return new Tsecho(server, config, recorder);
    }
  }
}
