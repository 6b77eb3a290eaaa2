package io.tsecho.cli;

import io.tsecho.client.TcpClient;
import io.tsecho.config.ClientConfig;
import io.tsecho.config.ServerConfig;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tsecho client}: the classic interactive session on a terminal, a pipe for scripts otherwise. */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    versionProvider = TsechoCommand.Version.class,
    sortOptions = false,
    description = {
      "Talk to a timestamp server (tsecho, or any server of the protocol).",
      "On a terminal: prompt '> ', send the line, print the reply; an empty line or EOF quits.",
      "Otherwise: send standard input as it is, half-close at its end, print every reply, and exit",
      "once the server has answered and closed."
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

  @Override
  public Integer call() throws Exception {
    TcpClient client = new TcpClient(new ClientConfig(host, port, connectTimeout, replyTimeout));
    BufferedInputStream in = new BufferedInputStream(new java.io.FileInputStream(FileDescriptor.in));
    if (Terminals.isInteractive()) {
      client.runInteractive(in, System.out);
    } else {
      client.runPipe(in, new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 16 * 1024));
    }
    return ExitCodes.OK;
  }
}
