package io.tsecho.internal.cli;

import io.tsecho.internal.client.ClientException;
import io.tsecho.internal.client.bench.LatencyPlot;
import io.tsecho.internal.server.BindFailedException;
import java.net.UnknownHostException;
import picocli.CommandLine;

/**
 * Every exit code tsecho uses, and the one function that maps a failure to its code. The table in
 * {@code --help} ({@link TsechoCommand}) and the README list the same codes.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int ERROR = 1;
  public static final int USAGE = 2;
  public static final int REFUSED = 3;
  public static final int UNKNOWN_HOST = 4;
  public static final int UNREACHABLE = 5;
  public static final int TIMEOUT = 6;
  public static final int CONNECTION_LOST = 7;
  public static final int ADDRESS_IN_USE = 8;
  public static final int PERMISSION_DENIED = 9;
  public static final int CANNOT_LISTEN = 10;
  public static final int DATAGRAMS_LOST = 11;
  public static final int BENCH_ERRORS = 12;
  public static final int TLS_FAILED = 13;

  private ExitCodes() {}

  public static int of(Throwable failure) {
    if (failure instanceof ClientException) {
      switch (((ClientException) failure).failure()) {
        case REFUSED: return REFUSED;
        case UNKNOWN_HOST: return UNKNOWN_HOST;
        case UNREACHABLE: return UNREACHABLE;
        case TIMEOUT: return TIMEOUT;
        case CONNECTION_LOST: return CONNECTION_LOST;
        case DATAGRAMS_LOST: return DATAGRAMS_LOST;
        case TLS_FAILED: return TLS_FAILED;
        default: return ERROR;
      }
    }
    if (failure instanceof BindFailedException) {
      switch (((BindFailedException) failure).reason()) {
        case ADDRESS_IN_USE: return ADDRESS_IN_USE;
        case PERMISSION_DENIED: return PERMISSION_DENIED;
        default: return CANNOT_LISTEN;
      }
    }
    if (failure instanceof UnknownHostException) {
      return UNKNOWN_HOST;
    }
    if (failure instanceof CommandLine.ParameterException
        || (failure instanceof IllegalArgumentException && !(failure instanceof NumberFormatException))) {
      return USAGE; // settings are validated with IllegalArgumentException; a stray NumberFormatException is a bug
    }
    return ERROR;
  }

  /** The one line printed for a failure: its own message where it has one written for users. */
  static String message(Throwable failure) {
    if (failure instanceof UnknownHostException) {
      return "unknown host: " + failure.getMessage();
    }
    if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
        || failure instanceof ClientException || failure instanceof BindFailedException
        || failure instanceof LatencyPlot.PlotFailedException) {
      return failure.getMessage();
    }
    return failure.toString();
  }
}
