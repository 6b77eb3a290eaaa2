package io.tsecho.internal.server;

import io.netty.buffer.ByteBuf;
import io.tsecho.internal.net.ProxyHeader;

/**
 * Where a PROXY protocol header begins and ends in the first bytes of a connection. It decides only
 * on bytes that settle the question: bytes that may still turn out to be a signature are never taken
 * for data, and a header is complete only once every byte of it is there. Netty's decoder parses the
 * header only once this says it is complete, so that its own guesses about partial input, which
 * take anything that is not a v2 signature for v1, never come into play.
 */
final class ProxyFraming {
  /**
   * The longest v2 header accepted, in all: 16 fixed bytes and at most 4080 of addresses and TLVs.
   * The TLVs HAProxy can send are each bounded (ALPN and SNI by their protocols at 255 bytes, the
   * unique ID at 128, the TLS version, cipher and algorithm names short), so its headers stay within
   * about 1 KiB even with a long certificate name; with a CRC32C and a unique ID it sends 60 bytes.
   * 4 KiB leaves room for that and cloud providers' TLVs, and bounds what a connection not yet
   * served can make the server hold.
   */
  static final int V2_MAX_LENGTH = 4096;

  /** What the first bytes of a connection are, as far as they tell. */
  enum Verdict {
    /** They are no signature: the connection has no header. */
    NOT_A_HEADER,
    /** They match the start of a signature, and too few have come to tell. */
    PARTIAL_SIGNATURE,
    /** A signature, and the header goes on past what has come. */
    PARTIAL_HEADER,
    /** A header longer than the protocol (v1) or this server (v2) allows. */
    TOO_LONG,
    /** A complete v1 header, its CRLF included. */
    V1,
    /** A complete v2 header. */
    V2
  }

  /** A verdict, and for a complete header its length in bytes. */
  record Frame(Verdict verdict, int length) {
    private static final Frame NOT_A_HEADER = new Frame(Verdict.NOT_A_HEADER, 0);
    private static final Frame PARTIAL_SIGNATURE = new Frame(Verdict.PARTIAL_SIGNATURE, 0);
    private static final Frame PARTIAL_HEADER = new Frame(Verdict.PARTIAL_HEADER, 0);
    private static final Frame TOO_LONG = new Frame(Verdict.TOO_LONG, 0);

    /** Whether the bytes begin with a whole signature: a header, complete or not. */
    boolean isHeader() {
      return verdict != Verdict.NOT_A_HEADER && verdict != Verdict.PARTIAL_SIGNATURE;
    }
  }

  private ProxyFraming() {}

  /** Examines the readable bytes of {@code in}, leaving its indexes alone. */
  static Frame examine(ByteBuf in) {
    if (startsLike(in, ProxyHeader.V1_SIGNATURE)) {
      return in.readableBytes() < ProxyHeader.V1_SIGNATURE.length ? Frame.PARTIAL_SIGNATURE : v1(in);
    }
    if (startsLike(in, ProxyHeader.V2_SIGNATURE)) {
      return in.readableBytes() < ProxyHeader.V2_SIGNATURE.length ? Frame.PARTIAL_SIGNATURE : v2(in);
    }
    return Frame.NOT_A_HEADER;
  }

  /** The v1 header ends at the first CRLF, which must come within its 107 bytes. */
  private static Frame v1(ByteBuf in) {
    int start = in.readerIndex();
    int searched = Math.min(in.readableBytes(), ProxyHeader.V1_MAX_LENGTH);
    for (int i = 0; i + 1 < searched; i++) {
      if (in.getByte(start + i) == '\r' && in.getByte(start + i + 1) == '\n') {
        return new Frame(Verdict.V1, i + 2);
      }
    }
    return in.readableBytes() >= ProxyHeader.V1_MAX_LENGTH ? Frame.TOO_LONG : Frame.PARTIAL_HEADER;
  }

  /** The v2 header is 16 bytes and the length its 15th and 16th bytes declare. */
  private static Frame v2(ByteBuf in) {
    if (in.readableBytes() < ProxyHeader.V2_FIXED_LENGTH) {
      return Frame.PARTIAL_HEADER;
    }
    int length = ProxyHeader.V2_FIXED_LENGTH + in.getUnsignedShort(in.readerIndex() + 14);
    if (length > V2_MAX_LENGTH) {
      return Frame.TOO_LONG; // refused on the declared length, without waiting for the rest
    }
    return in.readableBytes() < length ? Frame.PARTIAL_HEADER : new Frame(Verdict.V2, length);
  }

  /** Whether the readable bytes, as many as there are up to its length, match the signature. */
  private static boolean startsLike(ByteBuf in, byte[] signature) {
    int n = Math.min(in.readableBytes(), signature.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
