package io.tsecho.internal.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.tsecho.config.Fault;
import io.tsecho.config.Protocol;
import java.util.List;

/**
 * Draws the faults of each new TCP connection, once, by their probabilities. A connection that
 * drew none gets no handler at all.
 */
final class FaultStage implements ConnectionStage {
  private final Faults faults;
  private final int gatesBefore;

  /** @param gatesBefore the gates (PROXY, access, TLS) in front: a fault starts once they have passed */
  FaultStage(Faults faults, int gatesBefore) {
    this.faults = faults;
    this.gatesBefore = gatesBefore;
  }

  @Override
  public String name() {
    return PipelineNames.FAULTS;
  }

  @Override
  public ChannelHandler newHandler(Channel channel) {
    if (!faults.anyFor(Protocol.TCP)) {
      return null;
    }
    List<Fault> drawn = faults.draw(Protocol.TCP);
    return drawn.isEmpty() ? null : new TcpFaultHandler(faults, drawn, gatesBefore);
  }

  @Override
  public boolean isGate() {
    return false;
  }
}
