package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.tsecho.config.ServerConfig;
import io.tsecho.protocol.Framing;
import io.tsecho.protocol.Stamper;
import io.tsecho.protocol.TimeFormat;
import io.tsecho.testing.MutableClock;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The TCP framing, for any sequence of reads: the replies, stripped of their stamps, carry the input's
 * bytes in order, each cut where the framing says; a line over the limit gets the error line and the
 * connection closes; and every buffer is released.
 *
 * <p>Input: a settings byte and a line-limit byte, then a script of the client's bytes. Settings:
 * bits 0-1 the framing (0 auto, 1 line, 2 raw, 3 auto); bit 2 a partial delay of 20 ms (else 0);
 * bit 3 a write buffer of 16 to 64 bytes, so that backpressure turns reading off and on within batches;
 * bit 4 the server stops at the end (else the client closes its side). Limit: 1 to 255 bytes, 0 for 64 KiB.
 * In the script every byte is data, except:
 * <ul>
 *   <li>{@code F0}: the read ends, the batch goes on;
 *   <li>{@code F1}, {@code F2}: the batch ends, and the socket may hold more ({@code F1}) or is empty;
 *   <li>{@code F3 n}: {@code 10 n} ms pass;
 *   <li>{@code F4}, {@code F5}: the client stops reading its replies (the channel is not writable) or
 *       reads them again;
 *   <li>{@code FF n}: the data byte {@code n}.
 * </ul>
 * While reading is off, what the client sends waits in the socket, as it would in the kernel.
 */
class StampHandlerFuzzTest {
  private static final Framing[] FRAMINGS = {Framing.AUTO, Framing.LINE, Framing.RAW, Framing.AUTO};
  private static final Instant CLOCK = Instant.parse("2018-01-09T21:14:00Z");
  private static final int CLIENT_READS = 1; // the user-defined writability bit for a client that stops reading

  /** The one place the handler under test is built. */
  /** Time-outs are off: the script's waits may add up past them, and they are tested on their own. */
  private static StampHandler newHandler(Script script, Stamper stamper, InputProbe probe) {
    ServerConfig config = ServerConfig.builder().framing(script.framing).maxLine(script.maxLine)
        .partialDelay(Duration.ofNanos(script.partialDelayNanos)).idleTimeout(Duration.ZERO)
        .lineTimeout(Duration.ZERO).writeTimeout(Duration.ZERO).maxBuffered(1L << 40).build();
    return new StampHandler(ConnectionLimits.of(config), stamper, probe);
  }

  @FuzzTest
  void repliesCarryEveryByteOfTheInputInOrder(byte[] input) {
    new Run(Script.parse(input)).play();
  }

  /** What the client does, decoded from the fuzzer's bytes. */
  static final class Script {
    Framing framing;
    long partialDelayNanos;
    boolean smallWriteBuffer;
    boolean serverStops;
    int maxLine;
    final List<Object> steps = new ArrayList<>();
    final ByteArrayOutputStream data = new ByteArrayOutputStream();

    record Batch(List<byte[]> reads, boolean mayHaveMore) {}

    record Wait(long millis) {}

    record Readable(boolean clientReads) {}

    static Script parse(byte[] in) {
      Script s = new Script();
      int settings = in.length > 0 ? in[0] & 0xff : 0;
      int limit = in.length > 1 ? in[1] & 0xff : 0;
      s.framing = FRAMINGS[settings & 3];
      s.partialDelayNanos = (settings & 4) != 0 ? TimeUnit.MILLISECONDS.toNanos(20) : 0;
      s.smallWriteBuffer = (settings & 8) != 0;
      s.serverStops = (settings & 16) != 0;
      s.maxLine = limit == 0 ? 64 * 1024 : limit;
      List<byte[]> reads = new ArrayList<>();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      for (int i = 2; i < in.length; i++) {
        int b = in[i] & 0xff;
        switch (b) {
          case 0xF0 -> s.endRead(read, reads);
          case 0xF1, 0xF2 -> s.endBatch(read, reads, b == 0xF1);
          case 0xF3 -> {
            s.endBatch(read, reads, false);
            s.steps.add(new Wait(10L * (i + 1 < in.length ? in[++i] & 0xff : 1)));
          }
          case 0xF4, 0xF5 -> {
            s.endBatch(read, reads, false);
            s.steps.add(new Readable(b == 0xF5));
          }
          case 0xFF -> read.write(i + 1 < in.length ? in[++i] : b);
          default -> read.write(b);
        }
      }
      s.endBatch(read, reads, false);
      return s;
    }

    private void endRead(ByteArrayOutputStream read, List<byte[]> reads) {
      if (read.size() > 0) { // a transport never passes on an empty read
        reads.add(read.toByteArray());
        data.writeBytes(read.toByteArray());
        read.reset();
      }
    }

    private void endBatch(ByteArrayOutputStream read, List<byte[]> reads, boolean mayHaveMore) {
      endRead(read, reads);
      if (!reads.isEmpty()) {
        steps.add(new Batch(List.copyOf(reads), mayHaveMore));
        reads.clear();
      }
    }
  }

  /** One connection played through the handler, checked as its replies come out. */
  private static final class Run {
    private final Script script;
    private final byte[] stamp;
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    private final EmbeddedChannel channel;
    private boolean mayHaveMore;
    /** Batches the client has sent that the server has not read yet. */
    private final Deque<Script.Batch> socket = new ArrayDeque<>();

    private final Bytes received = new Bytes();
    private final List<byte[]> reads = new ArrayList<>();
    private final Set<Integer> batchEnds = new HashSet<>();
    private int lineEnd; // just past the last newline received
    private final Bytes out = new Bytes();
    private int parsedTo; // replies in out before this index have been checked
    private int answered; // input bytes the checked replies carry
    private int replies;

    Run(Script script) {
      this.script = script;
      Instant at = CLOCK;
      byte[] data = script.data.toByteArray();
      while (indexOf(data, data.length, stampAt(at), 0) >= 0) {
        at = at.plusNanos(1); // a stamp the input does not contain, so that replies split unambiguously
      }
      stamp = stampAt(at);
      Stamper stamper = Stamper.replyPrefix(TimeFormat.parse("epoch-ns", ZoneOffset.UTC), new MutableClock(at));
      channel = new FrozenTimeChannel(newHandler(script, stamper, ch -> mayHaveMore));
      channel.config().setAllocator(alloc);
      if (script.smallWriteBuffer) {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(16, 64));
      }
    }

    private static byte[] stampAt(Instant at) {
      return ("[" + TimeFormat.parse("epoch-ns", ZoneOffset.UTC).format(at.getEpochSecond(), at.getNano()) + "] ")
          .getBytes(US_ASCII);
    }

    void play() {
      boolean closedEarly;
      try {
        for (Object step : script.steps) {
          if (!channel.isOpen()) {
            break;
          }
          apply(step);
          drainAndCheck();
        }
        if (channel.isOpen()) {
          apply(new Script.Readable(true));
          drainAndCheck();
        }
        closedEarly = !channel.isOpen();
        if (!closedEarly) {
          assertThat(socket).as("input left unread while the client reads every reply").isEmpty();
          channel.pipeline().fireUserEventTriggered(script.serverStops ? ServerShutdown.INSTANCE : ChannelInputShutdownEvent.INSTANCE);
          channel.runPendingTasks();
          assertThat(channel.isOpen()).as("closed after the end of input").isFalse();
        }
        drain();
      } finally {
        channel.finishAndReleaseAll();
      }
      assertThat(alloc.metric().usedDirectMemory() + alloc.metric().usedHeapMemory())
          .as("bytes of buffers never released").isZero();
      checkEnd(closedEarly);
    }

    private void apply(Object step) {
      if (step instanceof Script.Batch batch) {
        socket.addLast(batch);
        readWhileReading();
      } else if (step instanceof Script.Wait wait) {
        channel.advanceTimeBy(wait.millis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
      } else if (step instanceof Script.Readable readable) {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(CLIENT_READS, readable.clientReads());
        channel.runPendingTasks();
        readWhileReading();
      }
    }

    /** Hands the socket's bytes to the handler, one read at a time, as long as reading is on. */
    private void readWhileReading() {
      while (!socket.isEmpty() && channel.isOpen() && channel.config().isAutoRead()) {
        Script.Batch batch = socket.removeFirst();
        int n = 0;
        while (n < batch.reads().size() && channel.isOpen() && channel.config().isAutoRead()) {
          byte[] read = batch.reads().get(n++);
          ByteBuf buf = alloc.directBuffer(read.length).writeBytes(read);
          received.append(read, 0, read.length);
          reads.add(read);
          for (int i = read.length - 1; i >= 0; i--) {
            if (read[i] == '\n') {
              lineEnd = received.size - read.length + i + 1;
              break;
            }
          }
          channel.pipeline().fireChannelRead(buf);
        }
        if (n < batch.reads().size() && channel.isOpen()) {
          socket.addFirst(new Script.Batch(batch.reads().subList(n, batch.reads().size()), batch.mayHaveMore()));
        }
        mayHaveMore = batch.mayHaveMore() || n < batch.reads().size();
        batchEnds.add(received.size);
        channel.pipeline().fireChannelReadComplete();
        channel.runPendingTasks();
        channel.checkException();
      }
    }

    private void drain() {
      Object msg;
      while ((msg = channel.readOutbound()) != null) {
        ByteBuf buf = (ByteBuf) msg;
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        out.append(bytes, 0, bytes.length);
      }
    }

    /** While the connection is open, whatever came out is whole replies: check them, and that none is owed. */
    private void drainAndCheck() {
      drain();
      if (!channel.isOpen()) {
        return;
      }
      checkReplies(out.size);
      if (channel.isWritable()) {
        if (script.framing == Framing.RAW) {
          assertThat(answered).as("raw: every read answered when its batch ends; %s", this).isEqualTo(received.size);
        } else {
          assertThat(answered).as("every complete line answered when its batch ends; %s", this).isGreaterThanOrEqualTo(lineEnd);
        }
      }
    }

    /** Splits out[parsedTo, end) at the stamps, which the input does not contain, and checks each reply. */
    private void checkReplies(int end) {
      if (parsedTo == end) {
        return;
      }
      if (indexOf(out.bytes, end, stamp, parsedTo) != parsedTo) {
        throw new AssertionError(String.format("bytes without a stamp at %d of the output; %s", parsedTo, this));
      }
      while (parsedTo < end) {
        int from = parsedTo + stamp.length;
        int next = indexOf(out.bytes, end, stamp, from);
        int to = next < 0 ? end : next;
        checkPayload(from, to);
        parsedTo = to;
      }
    }

    private void checkPayload(int from, int to) {
      int length = to - from;
      assertThat(answered + length).as("reply %d goes past the input; %s", replies, this).isLessThanOrEqualTo(received.size);
      if (!Arrays.equals(out.bytes, from, to, received.bytes, answered, answered + length)) {
        throw new AssertionError(String.format("reply %d does not carry the input's next %d bytes; %s", replies, length, this));
      }
      if (script.framing == Framing.RAW) {
        assertThat(length).as("raw: reply %d is read %d whole; %s", replies, replies, this).isEqualTo(reads.get(replies).length);
      } else {
        int newline = indexOf(out.bytes, to, new byte[] {'\n'}, from);
        boolean endsLine = newline == to - 1;
        assertThat(newline < 0 || endsLine).as("reply %d holds one line at most; %s", replies, this).isTrue();
        assertThat(length - (endsLine ? 1 : 0)).as("reply %d within the line limit; %s", replies, this).isLessThanOrEqualTo(script.maxLine);
        if (!endsLine) {
          assertThat(script.framing).as("line: reply %d is a whole line; %s", replies, this).isEqualTo(Framing.AUTO);
          assertThat(length).as("auto: piece %d not empty; %s", replies, this).isPositive();
          assertThat(batchEnds).as("auto: piece %d is all that had arrived; %s", replies, this).contains(answered + length);
        }
      }
      answered += length;
      replies++;
    }

    /** The connection is closed: every byte answered as its framing says, or the error line for a line too long. */
    private void checkEnd(boolean closedEarly) {
      int end = out.size;
      if (closedEarly) {
        byte[] error = ("tsecho error: line too long (more than " + script.maxLine + " bytes without a newline); closing\n")
            .getBytes(US_ASCII);
        assertThat(script.framing).as("only a line too long closes the connection; %s", this).isNotEqualTo(Framing.RAW);
        end -= error.length;
        if (end < parsedTo || !Arrays.equals(out.bytes, end, out.size, error, 0, error.length)) {
          throw new AssertionError(String.format("closed without the error line; %s", this));
        }
      }
      checkReplies(end);
      int run = 0; // bytes without a newline that follow the last answered one
      while (answered + run < received.size && received.bytes[answered + run] != '\n') {
        run++;
      }
      if (closedEarly) {
        assertThat(run).as("closed for a line of at most the limit; %s", this).isGreaterThan(script.maxLine);
      } else if (script.framing == Framing.LINE) {
        assertThat(answered).as("line: every whole line answered; %s", this).isEqualTo(lineEnd);
        assertThat(received.size - answered).as("line: a trailing piece over the limit closes; %s", this)
            .isLessThanOrEqualTo(script.maxLine);
      } else {
        assertThat(answered).as("every byte answered, a trailing piece at the end; %s", this).isEqualTo(received.size);
      }
    }

    @Override
    public String toString() {
      return String.format("framing %s, limit %d, partial delay %d ns, %s write buffer, %d bytes in %d reads, "
              + "%d answered in %d replies; input %s; output %s", script.framing, script.maxLine, script.partialDelayNanos,
          script.smallWriteBuffer ? "small" : "default", received.size, reads.size(), answered, replies,
          show(received.bytes, received.size), show(out.bytes, out.size));
    }
  }

  /** A growing byte array that tests can read in place. */
  private static final class Bytes {
    byte[] bytes = new byte[64];
    int size;

    void append(byte[] b, int off, int len) {
      if (size + len > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
      }
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
  }

  /** Where {@code what} first occurs in {@code in[from, limit)}; -1 if nowhere. */
  private static int indexOf(byte[] in, int limit, byte[] what, int from) {
    outer:
    for (int i = from; i <= limit - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The first bytes, printable ones as they are and the others escaped. */
  private static String show(byte[] b, int size) {
    StringBuilder s = new StringBuilder("\"");
    for (int i = 0; i < Math.min(size, 300); i++) {
      int c = b[i] & 0xff;
      s.append(c == '\n' ? "\\n" : c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return s.append(size > 300 ? "\"..." : "\"").toString();
  }
}
