package io.tsecho.internal.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServiceStarterTest {
  private final List<Object> seen = new ArrayList<>();
  private int made;
  private EmbeddedChannel channel;

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private ServiceStarter starter(int gates) {
    return new ServiceStarter(gates, () -> {
      made++;
      return new ChannelInboundHandlerAdapter() {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
          seen.add(evt);
        }
      };
    });
  }

  @Test
  void theServiceIsMadeOnlyWhenTheLastGatePasses() {
    channel = new FrozenTimeChannel(starter(2));
    channel.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(made).isZero();
    assertThat(channel.pipeline().get(ServiceStarter.class)).isNotNull();
    channel.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(made).isEqualTo(1);
    assertThat(channel.pipeline().get(ServiceStarter.class)).isNull();
    assertThat(channel.pipeline().get(PipelineNames.SERVICE)).isNotNull();
    assertThat(seen).as("the gates' events are the starter's own").isEmpty();
    channel.pipeline().fireUserEventTriggered("later");
    assertThat(seen).containsExactly("later");
  }

  @Test
  void otherEventsPassOnWhileTheGatesAreClosed() {
    channel = new FrozenTimeChannel(starter(1));
    channel.pipeline().fireUserEventTriggered("early");
    assertThat(made).isZero();
    channel.pipeline().fireUserEventTriggered(GatePassed.INSTANCE);
    assertThat(made).isEqualTo(1);
  }

  @Test
  void bytesThatReachItBeforeTheGatesPassCloseTheConnection() {
    channel = new FrozenTimeChannel(starter(1));
    ByteBuf early = Unpooled.copiedBuffer("too soon", ISO_8859_1);
    channel.writeInbound(early);
    assertThat(early.refCnt()).isZero();
    assertThat(channel.isOpen()).isFalse();
    assertThat(made).isZero();
  }
}
