package io.tsecho.internal.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The one line a user reads when the server cannot listen, for the errors NIO and the native transports give. */
class BindFailedExceptionTest {
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 21566);

  @Test
  void aPortInUseNamesTheOptionThatPicksAnother() {
    BindFailedException nio = new BindFailedException("tcp", LOOPBACK, new BindException("Address already in use"));
    assertThat(nio.getMessage()).isEqualTo("cannot listen on tcp/127.0.0.1:21566: address already in use "
        + "(another server holds the port; pick another with --port)");
    assertThat(nio.reason()).isEqualTo(BindFailedException.Reason.ADDRESS_IN_USE);
    assertThat(nio.address()).isEqualTo(LOOPBACK);
    BindFailedException epoll = new BindFailedException("udp", LOOPBACK,
        new IOException("bind(..) failed with error(-98): Address already in use"), "--admin");
    assertThat(epoll.getMessage()).isEqualTo("cannot listen on udp/127.0.0.1:21566: address already in use "
        + "(another server holds the port; pick another with --admin)");
    assertThat(epoll.reason()).isEqualTo(BindFailedException.Reason.ADDRESS_IN_USE);
  }

  @Test
  void aPrivilegedPortSaysWhy() {
    BindFailedException e = new BindFailedException("tcp", new InetSocketAddress("127.0.0.1", 7),
        new BindException("Permission denied"));
    assertThat(e.getMessage()).isEqualTo("cannot listen on tcp/127.0.0.1:7: permission denied "
        + "(ports below 1024 need privileges; pick another with --port)");
    assertThat(e.reason()).isEqualTo(BindFailedException.Reason.PERMISSION_DENIED);
    BindFailedException windows = new BindFailedException("tcp", LOOPBACK, new BindException("Access denied"), "--admin");
    assertThat(windows.reason()).isEqualTo(BindFailedException.Reason.PERMISSION_DENIED);
    assertThat(windows.getMessage()).endsWith("pick another with --admin)");
  }

  @Test
  void anAddressTheMachineDoesNotHaveNamesTheHostOption() {
    InetSocketAddress elsewhere = new InetSocketAddress("192.0.2.1", 21566);
    BindFailedException e = new BindFailedException("tcp", elsewhere,
        new IOException("bind(..) failed with error(-99): Cannot assign requested address"));
    assertThat(e.getMessage()).isEqualTo("cannot listen on tcp/192.0.2.1:21566: no such local address (check --host)");
    assertThat(e.reason()).isEqualTo(BindFailedException.Reason.ADDRESS_NOT_AVAILABLE);
    BindFailedException admin = new BindFailedException("tcp", elsewhere,
        new BindException("Cannot assign requested address"), "--admin");
    assertThat(admin.getMessage()).endsWith("no such local address (check --admin)");
  }

  @Test
  void anyOtherErrorKeepsItsOwnWordsAndTheWildcardShowsAsSsShowsIt() {
    BindFailedException e = new BindFailedException("tcp", new InetSocketAddress(21566), new IOException("No buffer space"));
    assertThat(e.getMessage()).isEqualTo("cannot listen on tcp/*:21566: No buffer space");
    assertThat(e.reason()).isEqualTo(BindFailedException.Reason.OTHER);
    assertThat(e.getCause()).hasMessage("No buffer space");
    BindFailedException silent = new BindFailedException("udp", LOOPBACK, new IOException());
    assertThat(silent.getMessage()).isEqualTo("cannot listen on udp/127.0.0.1:21566: null");
  }

  @Test
  void anUnresolvedAddressIsShownAsGiven() {
    BindFailedException e = new BindFailedException("tcp", InetSocketAddress.createUnresolved("nowhere.invalid", 1),
        new IOException("Unresolved address"));
    assertThat(e.getMessage()).startsWith("cannot listen on tcp/nowhere.invalid");
    assertThat(e.reason()).isEqualTo(BindFailedException.Reason.OTHER);
  }
}
