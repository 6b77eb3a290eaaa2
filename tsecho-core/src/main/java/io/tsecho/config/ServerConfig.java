package io.tsecho.config;

import io.tsecho.protocol.Framing;
import io.tsecho.protocol.TimeFormat;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server needs to start: its listeners and the settings they share. Validated when built: a bad value names itself
 * and the range it must lie in.
 *
 * @param listeners the sockets to serve, at least one
 * @param receiveBufferSize SO_RCVBUF in bytes, 0 for the system's default
 * @param sendBufferSize SO_SNDBUF in bytes, 0 for the system's default
 * @param threads event-loop threads, 0 for one per available core
 * @param idleTimeout how long a silent connection stays open, {@link Duration#ZERO} for ever
 * @param partialDelay in auto framing, how long a trailing piece without a newline waits for more bytes
 * @param lineTimeout how long a line may stay unfinished after its first byte, {@link Duration#ZERO} for ever
 * @param writeTimeout how long a client may leave its queued replies unread before it is closed,
 *     {@link Duration#ZERO} for ever
 * @param maxBuffered the most bytes the server holds for all clients at once: partial lines,
 *     unanswered input and queued replies
 * @param proxy whether TCP connections start with a PROXY protocol header, and from whom it is believed
 * @param access which client addresses are served
 * @param tls the TLS identity of {@code tls} listeners, or null when there are none
 * @param admin the admin endpoint and drain delay, or null for none
 * @param trace log every socket event of every connection, in the words of the socket API
 * @param instance the name this server gives itself in whoami replies
 * @param faults the faults injected on purpose, and their generator's seed
 */
public record ServerConfig(
    List<Listener> listeners,
    int backlog,
    Framing framing,
    int bufferSize,
    int maxLine,
    TimeFormat timeFormat,
    ZoneId zone,
    boolean tcpNoDelay,
    boolean keepAlive,
    int receiveBufferSize,
    int sendBufferSize,
    Transport transport,
    int threads,
    Duration idleTimeout,
    Duration partialDelay,
    Duration lineTimeout,
    Duration writeTimeout,
    int maxConnections,
    long maxBuffered,
    UdpLimits udpLimits,
    ProxySettings proxy,
    AccessRules access,
    TlsSettings tls,
    AdminSettings admin,
    boolean trace,
    String instance,
    FaultSettings faults) {

  public static final int DEFAULT_PORT = 21566;
  public static final int MAX_BUFFER_SIZE = 1 << 20;
  public static final int MAX_LINE_LIMIT = 16 << 20;
  /** Long enough to cover a write that reaches the server in pieces on a busy machine, short for a person. */
  public static final Duration DEFAULT_PARTIAL_DELAY = Duration.ofMillis(20);
  /** Enough for a burst of thousands of clients connecting at once; the kernel caps it at net.core.somaxconn. */
  public static final int DEFAULT_BACKLOG = 4096;
  public static final long DEFAULT_MAX_BUFFERED = 256L << 20;
  /** The least budget that still lets one connection work: a high watermark, one read, a partial line. */
  public static final long MIN_MAX_BUFFERED = 1L << 20;

  public ServerConfig {
    listeners = List.copyOf(listeners);
    if (listeners.isEmpty()) {
      throw new IllegalArgumentException("nothing to serve: --no-tcp needs --udp, or give a --listen");
    }
    Checks.requireRange("backlog", backlog, 1, 65_535);
    Objects.requireNonNull(framing, "framing");
    Checks.requireRange("buffer size", bufferSize, 1, MAX_BUFFER_SIZE);
    Checks.requireRange("max line", maxLine, 1, MAX_LINE_LIMIT);
    Objects.requireNonNull(timeFormat, "timeFormat");
    Objects.requireNonNull(zone, "zone");
    Checks.requireRange("receive buffer size", receiveBufferSize, 0, 64 << 20);
    Checks.requireRange("send buffer size", sendBufferSize, 0, 64 << 20);
    Objects.requireNonNull(transport, "transport");
    Checks.requireRange("threads", threads, 0, 1024);
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (idleTimeout.isNegative()) {
      throw new IllegalArgumentException("idle timeout must be 0 (never) or positive, got " + idleTimeout);
    }
    Objects.requireNonNull(partialDelay, "partialDelay");
    if (partialDelay.isNegative() || partialDelay.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException("partial delay must be between 0 and 10 s, got " + partialDelay.toMillis() + " ms");
    }
    requireTimeout("line timeout", lineTimeout);
    requireTimeout("write timeout", writeTimeout);
    Checks.requireRange("max connections", maxConnections, 1, 10_000_000);
    Checks.requireRange("max buffered", maxBuffered, MIN_MAX_BUFFERED, 1L << 40);
    Objects.requireNonNull(udpLimits, "udpLimits");
    requireBoundedUdpReplies(listeners, timeFormat);
    Objects.requireNonNull(proxy, "proxy");
    Objects.requireNonNull(access, "access");
    boolean anyTls = listeners.stream().anyMatch(l -> l.protocol() == Protocol.TLS);
    if (anyTls && tls == null) {
      throw new IllegalArgumentException("a tls listener needs --tls-cert and --tls-key, or --tls-self-signed");
    }
    if (!anyTls && tls != null) {
      throw new IllegalArgumentException("TLS settings given but no listener uses TLS: add --tls or a --listen with tls");
    }
    Objects.requireNonNull(faults, "faults");
    faults.requireApplicable(listeners);
    Objects.requireNonNull(instance, "instance");
    if (instance.isBlank() || instance.length() > 253 || !instance.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new IllegalArgumentException("instance must be 1 to 253 printable characters without spaces, got '" + instance + "'");
    }
  }

  private static void requireTimeout(String what, Duration timeout) {
    Objects.requireNonNull(timeout, what);
    if (timeout.isNegative() || timeout.compareTo(Duration.ofDays(24)) > 0) {
      throw new IllegalArgumentException(what + " must be 0 (never) or up to 24 days, got " + timeout);
    }
  }

  /** Refuses a time format whose stamps would let a UDP reply outgrow its request by more than the bound. */
  private static void requireBoundedUdpReplies(List<Listener> listeners, TimeFormat timeFormat) {
    for (Listener l : listeners) {
      if (l.protocol() == Protocol.UDP && (l.service() == Service.STAMP || l.service() == Service.DAYTIME)) {
        int growth = timeFormat.maxLength() + 3; // "[" + stamp + "] ", or stamp + CRLF
        if (growth > UdpLimits.MAX_REPLY_GROWTH) {
          throw new IllegalArgumentException("time format '" + timeFormat + "' makes stamps of up to " + timeFormat.maxLength()
              + " bytes; over UDP a reply may exceed its request by at most " + UdpLimits.MAX_REPLY_GROWTH + " bytes");
        }
      }
    }
  }

  /**
   * The pod name in Kubernetes ({@code $HOSTNAME}), else the machine's host name as the kernel has
   * it; read from a file rather than through a name lookup, which can take seconds.
   */
  public static String defaultInstance() {
    String fromEnvironment = System.getenv("HOSTNAME");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.trim();
    }
    try {
      List<String> lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/kernel/hostname"));
      if (!lines.isEmpty() && !lines.get(0).isBlank()) {
        return lines.get(0).trim();
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux, or no /proc: fall through
    }
    return "tsecho";
  }

  /** The defaults of {@code tsecho serve}, ready to be changed. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects settings; {@link #build()} validates them. */
  public static final class Builder {
    private final List<Listener> listeners = new ArrayList<>();
    private String host;
    private int port = DEFAULT_PORT;
    private Service service = Service.STAMP;
    private boolean tcp = true;
    private boolean udp;
    private boolean tlsListener;
    private UdpLimits udpLimits = UdpLimits.DEFAULTS;
    private int backlog = DEFAULT_BACKLOG;
    private Framing framing = Framing.AUTO;
    private int bufferSize = 1024;
    private int maxLine = 64 * 1024;
    private String timeFormat = "ctime";
    private ZoneId zone = ZoneId.systemDefault();
    private boolean tcpNoDelay = true;
    private boolean keepAlive;
    private int receiveBufferSize;
    private int sendBufferSize;
    private Transport transport = Transport.AUTO;
    private int threads;
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration partialDelay = DEFAULT_PARTIAL_DELAY;
    private Duration lineTimeout = Duration.ofSeconds(30);
    private Duration writeTimeout = Duration.ofSeconds(60);
    private int maxConnections = 10_000;
    private long maxBuffered = DEFAULT_MAX_BUFFERED;
    private ProxySettings proxy = ProxySettings.OFF;
    private AccessRules access = AccessRules.OPEN;
    private TlsSettings tls;
    private AdminSettings admin;
    private boolean trace;
    private String instance;
    private FaultSettings faults;

    private Builder() {}

    /** Explicit listeners; when there are any, host, port, service, tcp and udp are not used. */
    public Builder listen(Listener listener) { this.listeners.add(listener); return this; }
    public Builder host(String host) { this.host = host; return this; }
    public Builder service(Service service) { this.service = service; return this; }
    public Builder tcp(boolean tcp) { this.tcp = tcp; return this; }
    public Builder udp(boolean udp) { this.udp = udp; return this; }
    public Builder udpLimits(UdpLimits udpLimits) { this.udpLimits = udpLimits; return this; }
    public Builder port(int port) { this.port = port; return this; }
    public Builder backlog(int backlog) { this.backlog = backlog; return this; }
    public Builder framing(Framing framing) { this.framing = framing; return this; }
    public Builder bufferSize(int bufferSize) { this.bufferSize = bufferSize; return this; }
    public Builder maxLine(int maxLine) { this.maxLine = maxLine; return this; }
    public Builder timeFormat(String timeFormat) { this.timeFormat = timeFormat; return this; }
    public Builder zone(ZoneId zone) { this.zone = zone; return this; }
    public Builder tcpNoDelay(boolean tcpNoDelay) { this.tcpNoDelay = tcpNoDelay; return this; }
    public Builder keepAlive(boolean keepAlive) { this.keepAlive = keepAlive; return this; }
    public Builder receiveBufferSize(int bytes) { this.receiveBufferSize = bytes; return this; }
    public Builder sendBufferSize(int bytes) { this.sendBufferSize = bytes; return this; }
    public Builder transport(Transport transport) { this.transport = transport; return this; }
    public Builder threads(int threads) { this.threads = threads; return this; }
    public Builder idleTimeout(Duration idleTimeout) { this.idleTimeout = idleTimeout; return this; }
    public Builder partialDelay(Duration partialDelay) { this.partialDelay = partialDelay; return this; }
    public Builder lineTimeout(Duration lineTimeout) { this.lineTimeout = lineTimeout; return this; }
    public Builder writeTimeout(Duration writeTimeout) { this.writeTimeout = writeTimeout; return this; }
    public Builder maxConnections(int maxConnections) { this.maxConnections = maxConnections; return this; }
    public Builder maxBuffered(long maxBuffered) { this.maxBuffered = maxBuffered; return this; }
    public Builder proxy(ProxySettings proxy) { this.proxy = proxy; return this; }
    public Builder access(AccessRules access) { this.access = access; return this; }
    /** The TLS identity; with {@code defaultListenerTls}, the default listener speaks TLS. */
    public Builder tls(TlsSettings tls) { this.tls = tls; return this; }
    public Builder defaultListenerTls(boolean tlsListener) { this.tlsListener = tlsListener; return this; }
    public Builder admin(AdminSettings admin) { this.admin = admin; return this; }
    public Builder trace(boolean trace) { this.trace = trace; return this; }
    public Builder instance(String instance) { this.instance = instance; return this; }
    public Builder faults(FaultSettings faults) { this.faults = faults; return this; }

    public ServerConfig build() {
      List<Listener> all = new ArrayList<>(listeners);
      if (all.isEmpty()) {
        if (tcp) {
          all.add(new Listener(service, tlsListener ? Protocol.TLS : Protocol.TCP, host, port));
        }
        if (udp) {
          all.add(new Listener(service, Protocol.UDP, host, port));
        }
      }
      return new ServerConfig(all, backlog, framing, bufferSize, maxLine,
          TimeFormat.parse(timeFormat, zone), zone, tcpNoDelay, keepAlive, receiveBufferSize,
          sendBufferSize, transport, threads, idleTimeout, partialDelay, lineTimeout, writeTimeout, maxConnections,
          maxBuffered, udpLimits, proxy, access, tls, admin, trace, instance != null ? instance : defaultInstance(),
          faults != null ? faults : FaultSettings.none());
    }
  }
}
