package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BufferBudgetTest {
  @Test
  void reservesUpToItsLimitExactlyAndNothingOfARefusedReservation() {
    BufferBudget budget = new BufferBudget(100);
    assertThat(budget.tryReserve(60)).isTrue();
    assertThat(budget.tryReserve(41)).as("one byte over").isFalse();
    assertThat(budget.used()).as("a refused reservation takes nothing").isEqualTo(60);
    assertThat(budget.tryReserve(40)).as("exactly the limit").isTrue();
    assertThat(budget.used()).isEqualTo(100);
    assertThat(budget.tryReserve(1)).isFalse();
    budget.release(30);
    assertThat(budget.used()).isEqualTo(70);
    assertThat(budget.tryReserve(30)).isTrue();
    assertThat(budget.limit()).isEqualTo(100);
  }

  @Test
  void aBudgetMustBePositive() {
    assertThat(new BufferBudget(1).limit()).isEqualTo(1);
    assertThatThrownBy(() -> new BufferBudget(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("buffer budget must be positive, got 0");
    assertThatThrownBy(() -> new BufferBudget(-5)).hasMessage("buffer budget must be positive, got -5");
  }
}
