package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenConnectionsTest {
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  private EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    return channel;
  }

  /** A channel whose last handler writes down the user events that reach it. */
  private EmbeddedChannel recording(List<Object> events) {
    EmbeddedChannel channel = channel();
    channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        events.add(evt);
      }
    });
    return channel;
  }

  @Test
  void shuttingDownTellsEveryOpenConnectionOnceAndEachOneAdmittedLaterAfterItsSetUp() {
    OpenConnections open = new OpenConnections(10);
    List<Object> before = new ArrayList<>();
    EmbeddedChannel early = recording(before);
    assertThat(open.admit(early)).isTrue();
    open.shutDown();
    early.runPendingTasks();
    assertThat(before).containsExactly(ServerShutdown.INSTANCE);

    // Accepted as the listener closed, and set up on its loop only after the others were told.
    List<Object> after = new ArrayList<>();
    EmbeddedChannel late = recording(after);
    assertThat(open.admit(late)).isTrue();
    assertThat(after).as("not before the set-up that admits it has finished").isEmpty();
    late.runPendingTasks();
    assertThat(after).containsExactly(ServerShutdown.INSTANCE);
    assertThat(before).as("told once").hasSize(1);
  }

  @Test
  void aConnectionAdmittedBeforeAnyShutdownIsNotTold() {
    OpenConnections open = new OpenConnections(10);
    List<Object> events = new ArrayList<>();
    EmbeddedChannel channel = recording(events);
    assertThat(open.admit(channel)).isTrue();
    channel.runPendingTasks();
    assertThat(events).isEmpty();
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  @Test
  void admitsUpToItsMaximumAndEachCloseMakesRoomForOneMore() {
    OpenConnections open = new OpenConnections(2);
    EmbeddedChannel first = channel();
    EmbeddedChannel second = channel();
    assertThat(open.admit(first)).isTrue();
    assertThat(open.admit(second)).isTrue();
    assertThat(open.admit(channel())).as("over the maximum").isFalse();
    assertThat(open.count()).isEqualTo(2);
    assertThat(open.channels()).containsExactlyInAnyOrder(first, second);

    first.close();
    assertThat(open.count()).isEqualTo(1);
    assertThat(open.channels()).containsExactly(second);
    EmbeddedChannel third = channel();
    assertThat(open.admit(third)).isTrue();
    assertThat(open.admit(channel())).isFalse();
    assertThat(open.channels()).containsExactlyInAnyOrder(second, third);
  }

  @Test
  void aChannelAlreadyClosedWhenAdmittedIsCountedOutAtOnce() {
    OpenConnections open = new OpenConnections(1);
    EmbeddedChannel closed = channel();
    closed.close();
    assertThat(open.admit(closed)).isTrue();
    assertThat(open.count()).isZero();
    assertThat(open.channels()).isEmpty();
    assertThat(open.admit(channel())).isTrue();
  }

  @Test
  void closeAllClosesEveryConnectionAndForgetsThem() {
    OpenConnections open = new OpenConnections(10);
    for (int i = 0; i < 3; i++) {
      assertThat(open.admit(channel())).isTrue();
    }
    open.closeAll(1_000);
    assertThat(channels).noneMatch(EmbeddedChannel::isOpen);
    assertThat(open.count()).isZero();
    assertThat(open.channels()).isEmpty();
  }
}
