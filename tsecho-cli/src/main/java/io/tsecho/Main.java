package io.tsecho;

import io.tsecho.internal.cli.TsechoCommand;
import java.io.PrintWriter;

/** Entry point of {@code tsecho}: runs one command and exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = TsechoCommand.commandLineFor(args, out, err).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
