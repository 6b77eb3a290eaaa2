package io.tsecho.internal.server;

/**
 * Names of the pipeline stages, in the order they sit in a connection's pipeline, so tests and
 * variants can find and replace them. Only {@link #SERVICE} is always there.
 */
public final class PipelineNames {
  /** PROXY protocol header: first, before any other stage sees a byte. */
  public static final String PROXY = "proxy";
  /** Access control on the real client address. */
  public static final String ACCESS = "access";
  public static final String TLS = "tls";
  /** Passes once the TLS handshake is done. */
  public static final String TLS_GATE = "tls-gate";
  /** One log line per socket event, when --trace is on. */
  public static final String TRACE = "trace";
  /** Faults injected on purpose (--fault); present only on connections a fault hit. */
  public static final String FAULTS = "faults";
  /** Stands where the service will be until every gate in front of it has passed. */
  public static final String SERVICE_STARTER = "service-starter";
  public static final String SERVICE = "service";
  public static final String REFUSE = "refuse";

  private PipelineNames() {}
}
