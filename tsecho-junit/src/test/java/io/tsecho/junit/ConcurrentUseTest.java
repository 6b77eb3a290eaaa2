package io.tsecho.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/** One extension shared by two tests that run at once (a PER_CLASS instance, a static field under CONCURRENT). */
class ConcurrentUseTest {
  @Test
  void aSecondTestAtOnceIsRefusedAndTheFirstKeepsItsServer() throws Exception {
    TsechoExtension shared = new TsechoExtension();
    ExtensionContext first = context("[engine:junit-jupiter]/[method:first()]", "first()");
    ExtensionContext second = context("[engine:junit-jupiter]/[method:second()]", "second()");
    shared.beforeEach(first);
    int port = shared.port();

    assertThatThrownBy(() -> shared.beforeEach(second)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("one TsechoExtension serves one test at a time, and first() is running");
    shared.afterEach(second); // JUnit calls it for the refused test too
    try (Socket s = new Socket(shared.host(), port)) {
      assertThat(s.isConnected()).as("the first test's server still serves").isTrue();
    }

    shared.afterEach(first);
    shared.beforeEach(second);
    shared.afterEach(second);
  }

  /** An extension context that knows its test's id and name, which is all the extension asks. */
  private static ExtensionContext context(String uniqueId, String displayName) {
    return (ExtensionContext) Proxy.newProxyInstance(ExtensionContext.class.getClassLoader(),
        new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getUniqueId" -> uniqueId;
          case "getDisplayName" -> displayName;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
