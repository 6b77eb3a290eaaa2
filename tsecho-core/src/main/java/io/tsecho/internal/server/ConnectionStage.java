package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * A pipeline stage that a listener adds to each connection only when its feature is on (PROXY
 * protocol, access control, TLS, trace), so that a plain server pays nothing for it.
 */
public interface ConnectionStage {

  /** Its name in the pipeline, from {@link PipelineNames}. */
  String name();

  /**
   * The handler for one new connection, or null when this connection needs none; a stateless stage
   * may return the same shared handler every time.
   */
  ChannelHandler newHandler(Channel channel);

  /**
   * Whether the service must wait for this stage's {@link GatePassed} before it starts: the stage
   * decides who the peer is, or whether it is served at all.
   */
  boolean isGate();
}
