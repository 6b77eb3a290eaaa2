package io.tsecho.internal.server;

import io.tsecho.internal.net.Addresses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/** The server could not open its listening socket; {@link #reason()} says why in terms a user can act on. */
public final class BindFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why a bind failed. */
  public enum Reason { ADDRESS_IN_USE, PERMISSION_DENIED, ADDRESS_NOT_AVAILABLE, OTHER }

  private final transient SocketAddress address;
  private final Reason reason;

  public BindFailedException(String protocol, SocketAddress address, Throwable cause) {
    this(protocol, address, cause, null);
  }

  /** As above, for a socket whose address and port are both given by {@code option} (e.g. {@code --admin}). */
  public BindFailedException(String protocol, SocketAddress address, Throwable cause, String option) {
    super("cannot listen on " + protocol + "/" + shown(address) + ": " + describe(classify(cause), cause, option), cause);
    this.address = address;
    this.reason = classify(cause);
  }

  public SocketAddress address() {
    return address;
  }

  public Reason reason() {
    return reason;
  }

  /** The wildcard as {@code ss} shows it: the socket would have been dual-stack, whatever Java prints. */
  private static String shown(SocketAddress address) {
    if (address instanceof InetSocketAddress && ((InetSocketAddress) address).getAddress() != null
        && ((InetSocketAddress) address).getAddress().isAnyLocalAddress()) {
      return "*:" + ((InetSocketAddress) address).getPort();
    }
    return Addresses.format(address);
  }

  // Netty's native transport throws a plain IOException carrying errno's text, NIO a java.net.BindException:
  // the text is what both share.
  private static Reason classify(Throwable cause) {
    String text = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
    if (text.contains("address already in use")) {
      return Reason.ADDRESS_IN_USE;
    }
    if (text.contains("permission denied") || text.contains("access denied")) {
      return Reason.PERMISSION_DENIED;
    }
    if (text.contains("cannot assign requested address")) {
      return Reason.ADDRESS_NOT_AVAILABLE;
    }
    return Reason.OTHER;
  }

  private static String describe(Reason reason, Throwable cause, String option) {
    switch (reason) {
      case ADDRESS_IN_USE:
        return "address already in use (another server holds the port; pick another with "
            + (option != null ? option : "--port") + ")";
      case PERMISSION_DENIED:
        return "permission denied (ports below 1024 need privileges; pick another with "
            + (option != null ? option : "--port") + ")";
      case ADDRESS_NOT_AVAILABLE:
        return "no such local address (check " + (option != null ? option : "--host") + ")";
      default:
        return String.valueOf(cause.getMessage());
    }
  }
}
