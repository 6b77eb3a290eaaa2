package io.tsecho.internal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HealthTest {
  @Test
  void liveWhileServingReadyOnlyUntilDraining() {
    Health health = new Health();
    assertThat(health.state()).isEqualTo(Health.State.STARTING);
    assertThat(health.state().live()).isFalse();
    assertThat(health.state().ready()).isFalse();
    health.ready();
    assertThat(health.state().live()).isTrue();
    assertThat(health.state().ready()).isTrue();
    health.draining();
    assertThat(health.state().live()).isTrue();
    assertThat(health.state().ready()).isFalse();
    health.stopped();
    assertThat(health.state().live()).isFalse();
    assertThat(health.state().ready()).isFalse();
  }

  @Test
  void aLateReadyNeverBringsADrainingServerBack() {
    Health health = new Health();
    health.draining();
    health.ready();
    assertThat(health.state()).isEqualTo(Health.State.DRAINING);
    assertThat(health.state().text()).isEqualTo("draining");
  }
}
