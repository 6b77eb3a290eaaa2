package io.tsecho.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.regex.Pattern;

/** Reading and checking replies: stamped ones on blocking test sockets, and what an embedded channel wrote. */
public final class Replies {
  /** A ctime prefix: "[Tue Jan  9 21:14:00 2018] ". */
  public static final Pattern CTIME_PREFIX =
      Pattern.compile("^\\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ 123]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] ");
  public static final int CTIME_PREFIX_LENGTH = 27;

  private Replies() {}

  /** Reads up to and including the next newline. */
  public static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    if (b < 0 && line.size() == 0) {
      return null;
    }
    return line.toString(ISO_8859_1);
  }

  /** Reads exactly n bytes. */
  public static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] out = in.readNBytes(n);
    if (out.length != n) {
      throw new IOException("connection closed after " + out.length + " of " + n + " bytes");
    }
    return out;
  }

  /** Everything until the peer closes. */
  public static String readToEnd(Socket socket) throws IOException {
    return new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
  }

  /** Everything written to {@code channel} so far, as text, in order; the buffers are released. */
  public static String written(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = channel.readOutbound()) != null; b.release()) {
      out.append(b.toString(ISO_8859_1));
    }
    return out.toString();
  }

  /** The payload of a stamped reply, after checking that it opens with a ctime stamp. */
  public static String payload(String reply) {
    if (reply == null || !CTIME_PREFIX.matcher(reply).find()) {
      throw new AssertionError("not a stamped reply: " + reply);
    }
    return reply.substring(CTIME_PREFIX_LENGTH);
  }
}
