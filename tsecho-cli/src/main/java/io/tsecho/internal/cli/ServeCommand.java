package io.tsecho.internal.cli;

import io.tsecho.config.AccessRules;
import io.tsecho.config.AdminSettings;
import io.tsecho.config.Cidr;
import io.tsecho.config.Fault;
import io.tsecho.config.FaultSettings;
import io.tsecho.config.Listener;
import io.tsecho.config.ProxySettings;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.config.TlsSettings;
import io.tsecho.config.Transport;
import io.tsecho.config.UdpLimits;
import io.tsecho.internal.admin.AdminEndpoint;
import io.tsecho.internal.admin.Drain;
import io.tsecho.internal.admin.Health;
import io.tsecho.internal.metrics.ServerMetrics;
import io.tsecho.internal.server.ServerEvents;
import io.tsecho.internal.server.TsechoServer;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.TimeFormat;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tsecho serve}: parses and validates, then runs a {@link TsechoServer} until Ctrl-C or SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    sortOptions = false,
    description = {
      "Serve the timestamp protocol: every message a client sends comes back as "
          + "'[<timestamp>] <message>', its bytes unchanged; or the classic echo (RFC 862), daytime "
          + "(RFC 867) and time (RFC 868) services, over TCP and UDP.",
      "Prints one 'listening on' line per socket to stderr once it listens. Ctrl-C or SIGTERM "
          + "answers what was read, closes and exits 0."
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--service", defaultValue = "stamp", paramLabel = "NAME",
      description = "stamp, echo (RFC 862), daytime (RFC 867), time (RFC 868) or whoami (which instance"
          + " answered, and whom it saw) (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--udp", description = "Serve UDP too, on the same port.")
  boolean udp;

  @Option(names = "--no-tcp", description = "Do not serve TCP (with --udp: UDP alone).")
  boolean noTcp;

  @Option(names = "--listen", paramLabel = "SPEC",
      description = "A socket to serve, as SERVICE/PROTOCOL/ADDRESS:PORT, e.g. stamp/tcp/[::]:21566, "
          + "time/udp/0.0.0.0:3737, echo/tcp/*:7 (* is every address). Repeatable; replaces "
          + "--service, --host, --port, --udp and --no-tcp.")
  List<String> listen = new ArrayList<>();

  @Option(names = "--host", paramLabel = "ADDRESS",
      description = "Address or name to listen on (default: every IPv4 and IPv6 address).")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "21566", paramLabel = "PORT",
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--backlog", defaultValue = "4096", paramLabel = "N",
      description = "Length of the queue of connections not yet accepted; the kernel caps it at"
          + " net.core.somaxconn, and the listening line says what it got (default: ${DEFAULT-VALUE}).")
  int backlog;

  @Option(names = "--framing", defaultValue = "auto", converter = Converters.FramingName.class, paramLabel = "MODE",
      description = "auto: each line gets a reply; a piece without a newline is answered once the "
          + "client pauses. line: complete lines only. raw: each read of at most --buffer-size bytes "
          + "(the classic). Default: ${DEFAULT-VALUE}.")
  Framing framing;

  @Option(names = "--buffer-size", defaultValue = "1024", converter = Converters.Size.class, paramLabel = "BYTES",
      description = "Read size in raw framing (default: ${DEFAULT-VALUE}).")
  int bufferSize;

  @Option(names = "--max-line", defaultValue = "64k", converter = Converters.Size.class, paramLabel = "BYTES",
      description = "Longest line, newline not counted, in auto and line framing; a longer one gets an error line"
          + " and the connection is closed (default: ${DEFAULT-VALUE}).")
  int maxLine;

  @Option(names = "--time-format", defaultValue = "ctime", paramLabel = "FORMAT",
      description = "One of " + TimeFormat.NAMES + ", or a java.time pattern such as 'HH:mm:ss.SSS'"
          + " (default: ${DEFAULT-VALUE}).")
  String timeFormat;

  @Option(names = "--zone", converter = Converters.Zone.class, paramLabel = "ZONE",
      description = "Time zone of the stamps, e.g. UTC or Europe/Paris (default: the system's).")
  ZoneId zone;

  @Option(names = "--tcp-nodelay", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Set TCP_NODELAY on connections (default: on; --no-tcp-nodelay turns it off).")
  boolean tcpNoDelay;

  @Option(names = "--keepalive", description = "Set SO_KEEPALIVE on connections.")
  boolean keepAlive;

  @Option(names = "--rcvbuf", defaultValue = "0", converter = Converters.Size.class, paramLabel = "BYTES",
      description = "SO_RCVBUF of each connection; 0 keeps the system's default.")
  int receiveBufferSize;

  @Option(names = "--sndbuf", defaultValue = "0", converter = Converters.Size.class, paramLabel = "BYTES",
      description = "SO_SNDBUF of each connection; 0 keeps the system's default.")
  int sendBufferSize;

  @Option(names = "--transport", defaultValue = "auto", converter = Converters.TransportName.class, paramLabel = "NAME",
      description = "auto (epoll on Linux, else NIO), epoll, nio or io_uring (default: ${DEFAULT-VALUE}).")
  Transport transport;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "Event-loop threads; 0 means one per core (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--idle-timeout", defaultValue = "5m", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Close a connection that sends nothing for this long; 0 never does (default: ${DEFAULT-VALUE}).")
  Duration idleTimeout;

  @Option(names = "--partial-delay", defaultValue = "20ms", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "In auto framing, answer a piece without a newline once no byte has arrived for this long;"
          + " 0 answers as soon as a read empties the socket (default: ${DEFAULT-VALUE}).")
  Duration partialDelay;

  @Option(names = "--line-timeout", defaultValue = "30s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Close a connection whose line is still unfinished this long after its first byte, after"
          + " an error line; 0 never does (default: ${DEFAULT-VALUE}).")
  Duration lineTimeout;

  @Option(names = "--write-timeout", defaultValue = "60s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Close a connection that leaves its queued replies unread this long; a client that"
          + " reads, however slowly, is never closed by it; 0 never does (default: ${DEFAULT-VALUE}).")
  Duration writeTimeout;

  @Option(names = "--max-buffered", defaultValue = "256m", converter = Converters.LongSize.class, paramLabel = "SIZE",
      description = "Bytes held for all clients at once: partial lines and queued replies. A connection that"
          + " would pass it gets an error line and is closed; the others go on (default: ${DEFAULT-VALUE}).")
  long maxBuffered;

  @Option(names = "--max-connections", defaultValue = "10000", paramLabel = "N",
      description = "Connections served at once; one more gets an error line and is closed"
          + " (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--max-datagram", defaultValue = "65507", converter = Converters.Size.class, paramLabel = "BYTES",
      description = "Largest UDP reply; a request whose reply would be larger gets a short error datagram"
          + " (default: ${DEFAULT-VALUE}).")
  int maxDatagram;

  @Option(names = "--udp-rate", defaultValue = "20", paramLabel = "N",
      description = "UDP replies per second to one source address; 0 lifts the limit (default: ${DEFAULT-VALUE}).")
  int udpRate;

  @Option(names = "--udp-budget", defaultValue = "5000", paramLabel = "N",
      description = "UDP replies per second in all, per listener; 0 lifts the limit (default: ${DEFAULT-VALUE}).")
  int udpBudget;

  @Option(names = "--udp-ipv6-prefix", defaultValue = "64", paramLabel = "BITS",
      description = "IPv6 sources share one --udp-rate per prefix of this length, since one host usually"
          + " holds a whole /64 (default: ${DEFAULT-VALUE}).")
  int udpIpv6Prefix;

  @Option(names = "--udp-allow-low-ports",
      description = "Answer UDP sources below port 1024 (off by default: that is where service loops start).")
  boolean udpAllowLowPorts;

  @Option(names = "--instance", paramLabel = "ID",
      description = "This server's name in whoami replies (default: $HOSTNAME, else the host name; in"
          + " Kubernetes, the pod name).")
  String instance;

  @Option(names = "--allow", paramLabel = "CIDR",
      description = "Serve only clients in this block, e.g. 10.0.0.0/8 or 2001:db8::/32; repeatable. With any"
          + " --allow, every other address is denied. Applies to the real client behind a PROXY header.")
  List<String> allow = new ArrayList<>();

  @Option(names = "--deny", paramLabel = "CIDR",
      description = "Never serve clients in this block; repeatable; wins over --allow. A denied connection is"
          + " closed without a reply, a denied datagram dropped.")
  List<String> deny = new ArrayList<>();

  @Option(names = "--max-per-source", defaultValue = "0", paramLabel = "N",
      description = "TCP connections at once from one client address (an IPv6 /64); the one over gets an error"
          + " line and is closed; 0 for no limit (default: ${DEFAULT-VALUE}).")
  int maxPerSource;

  @Option(names = "--tls",
      description = "Speak TLS on the default listener; with --listen, give tls as the protocol instead, as in"
          + " stamp/tls/*:21567. Needs --tls-cert and --tls-key, or --tls-self-signed.")
  boolean tls;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "PEM certificate chain of the tls listeners, the server's own certificate first.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "PEM private key of --tls-cert: unencrypted PKCS#8 (BEGIN PRIVATE KEY), RSA or EC.")
  Path tlsKey;

  @Option(names = "--tls-self-signed",
      description = "Make a certificate at start (EC P-256, for localhost, 127.0.0.1 and ::1, valid a year); the"
          + " listening line shows its SHA-256 fingerprint.")
  boolean tlsSelfSigned;

  @Option(names = "--tls-client-ca", paramLabel = "FILE",
      description = "Mutual TLS: require a client certificate signed by a CA of this PEM file; the client's"
          + " subject goes in the connection's log line.")
  Path tlsClientCa;

  @Option(names = "--tls-engine", defaultValue = "jdk", paramLabel = "NAME",
      description = "jdk, or openssl (BoringSSL, Linux on x86-64 and ARM64): full handshakes take a fraction of"
          + " the JDK's CPU time (default: ${DEFAULT-VALUE}).")
  String tlsEngine;

  @Option(names = "--fault", paramLabel = "SPEC",
      description = "Misbehave on purpose, as " + Fault.SYNTAX + ". TCP: latency:D[~J], bandwidth:BYTES,"
          + " slice:BYTES, stall, limit:BYTES, reset[:N], slow-close:D, refuse. UDP: drop, duplicate, delay:D,"
          + " reorder, truncate:BYTES. The probability is drawn per connection (TCP) or per datagram (UDP)."
          + " Repeatable.")
  List<String> faults = new ArrayList<>();

  @Option(names = "--fault-seed", paramLabel = "N",
      description = "Seed of the generator that decides which connections and datagrams faults hit; the"
          + " listening line prints it, so a run can be repeated (default: random).")
  Long faultSeed;

  @Option(names = "--trace",
      description = "Log every socket event, in the words of the socket API: socket(), bind(), listen(), accept(),"
          + " recv(), send(), shutdown(), close(), recvfrom(), sendto(), with the bytes each one carried."
          + " For learning and debugging; off, it costs nothing.")
  boolean trace;

  @Option(names = "--log-format", defaultValue = "text", converter = LogFormat.Name.class, paramLabel = "FORMAT",
      description = "text, or json: one JSON object a line, the connection's fields as keys. The listening"
          + " line stays plain text (default: ${DEFAULT-VALUE}).")
  LogFormat logFormat;

  @Option(names = "--proxy-protocol", defaultValue = "off", paramLabel = "MODE",
      description = "Read a PROXY protocol header (v1 or v2, as HAProxy's send-proxy and send-proxy-v2 send it)"
          + " at the start of each TCP and TLS connection: off, optional (when one is sent) or required. The"
          + " client it names is the peer in logs, --allow, --deny and --max-per-source (default: ${DEFAULT-VALUE}).")
  String proxyProtocol;

  @Option(names = "--proxy-from", paramLabel = "CIDR",
      description = "Addresses allowed to send a PROXY header, e.g. 10.0.0.0/8; repeatable. A header from"
          + " anywhere else is refused (default: loopback only, 127.0.0.0/8 and ::1).")
  List<String> proxyFrom = new ArrayList<>();

  @Option(names = "--proxy-timeout", defaultValue = "3s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Time a connection has to send its PROXY header (default: ${DEFAULT-VALUE}).")
  Duration proxyTimeout;
  @Option(names = "--admin", paramLabel = "ADDRESS:PORT",
      description = "Serve /metrics (Prometheus, or OpenMetrics when asked for), /healthz and /readyz over HTTP"
          + " on this address, e.g. 127.0.0.1:9090, [::1]:9090, or *:9090 for every address (default: off).")
  String admin;

  @Option(names = "--drain-delay", defaultValue = "0", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "On Ctrl-C or SIGTERM, go on serving this long with /readyz failing, so that load balancers"
          + " stop sending clients first, then close; a second signal closes at once (default: ${DEFAULT-VALUE}).")
  Duration drainDelay;

  @Option(names = {"-q", "--quiet"}, description = "Log warnings and errors only.")
  boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Log more; -vv logs Netty's details too.")
  boolean[] verbose;

  ServerConfig config() {
    AdminSettings.requireDrainDelay(drainDelay);
    ServerConfig.Builder builder = ServerConfig.builder();
    if (!listen.isEmpty()) {
      for (String option : new String[] {"--service", "--host", "--port", "--udp", "--no-tcp"}) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new IllegalArgumentException("--listen replaces " + option + "; give every socket as a --listen");
        }
      }
      for (String l : listen) {
        builder.listen(Listener.parse(l));
      }
    }
    return builder
        .service(Service.parse(service))
        .tcp(!noTcp)
        .udp(udp)
        .udpLimits(new UdpLimits(udpRate, udpBudget, udpAllowLowPorts, maxDatagram, udpIpv6Prefix))
        .host(host)
        .port(port)
        .backlog(backlog)
        .framing(framing)
        .bufferSize(bufferSize)
        .maxLine(maxLine)
        .timeFormat(timeFormat)
        .zone(zone != null ? zone : ZoneId.systemDefault())
        .tcpNoDelay(tcpNoDelay)
        .keepAlive(keepAlive)
        .receiveBufferSize(receiveBufferSize)
        .sendBufferSize(sendBufferSize)
        .transport(transport)
        .threads(threads)
        .idleTimeout(idleTimeout)
        .partialDelay(partialDelay)
        .lineTimeout(lineTimeout)
        .writeTimeout(writeTimeout)
        .maxConnections(maxConnections)
        .maxBuffered(maxBuffered)
        .access(new AccessRules(cidrs(allow), cidrs(deny), maxPerSource))
        .instance(instance)
        .faults(faultSettings())
        .trace(trace)
        .proxy(proxySettings())
        .admin(admin != null ? AdminSettings.parse(admin, drainDelay) : null)
        .defaultListenerTls(tls)
        .tls(tlsSettings())
        .build();
  }

  private FaultSettings faultSettings() {
    List<Fault> parsed = new ArrayList<>();
    for (String spec : faults) {
      parsed.add(Fault.parse(spec));
    }
    return new FaultSettings(parsed, faultSeed != null ? faultSeed : FaultSettings.randomSeed());
  }

  private ProxySettings proxySettings() {
    ProxySettings.Mode mode = ProxySettings.Mode.parse(proxyProtocol);
    if (mode == ProxySettings.Mode.OFF) {
      for (String option : new String[] {"--proxy-from", "--proxy-timeout"}) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new IllegalArgumentException(option + " needs --proxy-protocol optional or required");
        }
      }
      return ProxySettings.OFF;
    }
    return new ProxySettings(mode, proxyFrom.isEmpty() ? ProxySettings.LOOPBACK : cidrs(proxyFrom), proxyTimeout);
  }

  /** The TLS identity when any TLS option is given; the server's settings check that a listener uses it. */
  private TlsSettings tlsSettings() {
    if (tls && !listen.isEmpty()) {
      throw new IllegalArgumentException("--tls makes the default listener speak TLS; with --listen, give tls as"
          + " the protocol, as in stamp/tls/*:21567");
    }
    if (tlsCert == null && tlsKey == null && !tlsSelfSigned && tlsClientCa == null
        && !spec.commandLine().getParseResult().hasMatchedOption("--tls-engine")) {
      return null;
    }
    return new TlsSettings(tlsCert, tlsKey, tlsSelfSigned, tlsClientCa, TlsSettings.Engine.parse(tlsEngine));
  }

  private static List<Cidr> cidrs(List<String> blocks) {
    List<Cidr> parsed = new ArrayList<>();
    for (String block : blocks) {
      parsed.add(Cidr.parse(block));
    }
    return parsed;
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config = config();
    logFormat.apply();
    LogLevels.apply(quiet, verbose);
    if (trace) {
      LogLevels.showTrace();
    }
    LeakDetection.offUnlessAsked();
    Health health = new Health();
    // With --admin off, none of the metrics exists: the server reports to no one.
    ServerMetrics metrics = config.admin() != null ? new ServerMetrics(config) : null;
    AdminEndpoint adminEndpoint = metrics != null ? AdminEndpoint.start(config.admin(), metrics.registry(), health) : null;
    TsechoServer server;
    try {
      server = TsechoServer.start(config, Clock.systemUTC(), metrics != null ? metrics : ServerEvents.NONE);
    } catch (Exception | Error e) {
      if (adminEndpoint != null) {
        adminEndpoint.close();
      }
      throw e;
    }
    if (metrics != null) {
      metrics.watch(server.bufferBudget(), server.faults());
    }
    // Signals are routed before the listening line: a script that sees it may send SIGTERM at once.
    Drain drain = new Drain(drainDelay, health, server::close, adminEndpoint, System::nanoTime);
    if (!Signals.onTermination(drain::request, drain::awaitFinished)) {
      LoggerFactory.getLogger(ServeCommand.class).warn("signals are reserved by the JVM (-Xrs): Ctrl-C and SIGTERM"
          + " end the process at once, without draining; a service wrapper's stop (System.exit) drains");
    }
    health.ready();
    PrintWriter err = spec.commandLine().getErr();
    for (String line : server.listeningLines()) {
      err.println(line);
    }
    if (adminEndpoint != null) {
      err.println(adminEndpoint.line());
    }
    err.flush();
    drain.awaitFinished();
    return ExitCodes.OK;
  }
}
