package io.tsecho.internal.client;

/** Why a client could not do its job, each a distinct exit code (like {@code connect_ex}'s error numbers). */
public enum ClientFailure {
  /** Nothing listens on that port: the peer answered the SYN with a reset. */
  REFUSED,
  /** The host name does not resolve. */
  UNKNOWN_HOST,
  /** No route to the network or host. */
  UNREACHABLE,
  /** The connection or a reply took longer than allowed. */
  TIMEOUT,
  /** The connection was reset or closed before every reply arrived. */
  CONNECTION_LOST,
  /** Some UDP datagrams got no reply, even after the retries. */
  DATAGRAMS_LOST,
  /** The TLS handshake failed: an untrusted certificate, a refused client certificate, no TLS on the port. */
  TLS_FAILED
}
