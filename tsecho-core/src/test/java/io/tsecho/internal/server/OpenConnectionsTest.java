package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

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
