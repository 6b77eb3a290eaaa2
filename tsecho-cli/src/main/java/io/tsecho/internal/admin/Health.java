package io.tsecho.internal.admin;

/**
 * Where the server is in its life, as {@code /healthz} and {@code /readyz} answer it: live from the
 * moment it serves until it has closed; ready only while it wants new clients. Thread-safe.
 */
public final class Health {
  /** The server's stages, in the only order they happen. */
  public enum State {
    STARTING(false, false),
    READY(true, true),
    /** Asked to stop: still serving, but a load balancer should send no one new. */
    DRAINING(true, false),
    STOPPED(false, false);

    private final boolean live;
    private final boolean ready;

    State(boolean live, boolean ready) {
      this.live = live;
      this.ready = ready;
    }

    public boolean live() {
      return live;
    }

    public boolean ready() {
      return ready;
    }

    /** The word the probes answer with. */
    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private volatile State state = State.STARTING;

  public State state() {
    return state;
  }

  /** Every listener is bound and serving. */
  public void ready() {
    moveTo(State.READY);
  }

  public void draining() {
    moveTo(State.DRAINING);
  }

  public void stopped() {
    moveTo(State.STOPPED);
  }

  /** Only forwards: a late call never brings a draining server back into rotation. */
  private synchronized void moveTo(State next) {
    if (next.compareTo(state) > 0) {
      state = next;
    }
  }
}
