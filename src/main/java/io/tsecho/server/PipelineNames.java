package io.tsecho.server;

/** Names of the pipeline stages, so tests and variants can find and replace them. */
public final class PipelineNames {
  public static final String SERVICE = "service";
  public static final String REFUSE = "refuse";

  private PipelineNames() {}
}
