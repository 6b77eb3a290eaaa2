package io.tsecho.internal.cli;

import io.tsecho.config.ClientConfig;
import io.tsecho.config.ServerConfig;
import io.tsecho.config.Service;
import io.tsecho.internal.client.ClockReader;
import io.tsecho.internal.client.ClockReading;
import io.tsecho.internal.client.ConnectOptions;
import io.tsecho.internal.client.TcpClient;
import io.tsecho.internal.client.UdpClient;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tsecho client}: the classic interactive session on a terminal, a pipe for scripts otherwise. */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    sortOptions = false,
    description = {
      "Talk to a timestamp or echo server (tsecho, or any server of the protocol).",
      "On a terminal: prompt '> ', send the line, print the reply; an empty line or EOF quits.",
      "Otherwise: send standard input as it is, half-close at its end, print every reply, and exit "
          + "once the server has answered and closed. With --udp, each line is one datagram.",
      "With --service time or daytime: read the server's clock (RFC 868 or 867) and print how far "
          + "it is from the local one."
    })
final class ClientCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", defaultValue = "localhost", paramLabel = "HOST",
      description = "Server name or address, IPv6 literals as ::1 or [::1] (default: ${DEFAULT-VALUE}).")
  String host;

  @Parameters(index = "1", arity = "0..1", defaultValue = "" + ServerConfig.DEFAULT_PORT, paramLabel = "PORT",
      description = "Server port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--connect-timeout", defaultValue = "5s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Give up connecting after this long (default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--timeout", defaultValue = "10s", converter = Converters.Time.class, paramLabel = "DURATION",
      description = "Give up when a reply is owed and the server stays silent this long (default: ${DEFAULT-VALUE}).")
  Duration replyTimeout;

  @Option(names = "--udp", description = "Use UDP: one datagram per line, each waiting for its reply.")
  boolean udp;

  @Option(names = "--retries", defaultValue = "2", paramLabel = "N",
      description = "UDP: send a datagram again this many times when its reply is late (default: ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--service", defaultValue = "stamp", paramLabel = "NAME",
      description = "stamp, echo or whoami: send lines (over UDP, whoami datagrams are padded to make room for the"
          + " reply); time or daytime: read the server's clock (default: ${DEFAULT-VALUE}).")
  String service;

  @Option(names = "--trace",
      description = "Print every socket call on stderr, in the words of the socket API: socket(), connect(),"
          + " send(), recv(), shutdown(), close(), with the bytes each one carried.")
  boolean trace;

  @Mixin ConnectMixin connect;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ClientConfig config = new ClientConfig(host, port, connectTimeout, replyTimeout);
    Service kind = Service.parse(service);
    ConnectOptions options = connect.options(udp, trace ? System.err : null);
    if (kind == Service.TIME || kind == Service.DAYTIME) {
      ClockReader reader = new ClockReader(config, Clock.systemUTC(), retries, options);
      ClockReading reading = kind == Service.TIME ? reader.readTime(udp) : reader.readDaytime(udp, ZoneId.systemDefault());
      PrintWriter out = spec.commandLine().getOut();
      out.print(ClockReader.describe(kind.cliName() + "/" + (udp ? "udp" : "tcp"), reading));
      out.flush();
      return ExitCodes.OK;
    }
    BufferedInputStream in = new BufferedInputStream(new FileInputStream(FileDescriptor.in));
    boolean interactive = Terminals.isInteractive();
    if (udp) {
      OutputStream out = interactive ? System.out : new BufferedOutputStream(new FileOutputStream(FileDescriptor.out));
      int padTo = kind == Service.WHOAMI ? UdpClient.WHOAMI_DATAGRAM : 0;
      new UdpClient(config, retries, padTo).run(in, out, System.err, interactive ? "> " : null);
      return ExitCodes.OK;
    }
    TcpClient client = new TcpClient(config, options);
    if (interactive) {
      client.runInteractive(in, System.out);
    } else {
      client.runPipe(in, new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 16 * 1024));
    }
    return ExitCodes.OK;
  }
}
