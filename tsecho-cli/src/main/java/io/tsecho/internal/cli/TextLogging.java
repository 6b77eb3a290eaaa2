package io.tsecho.internal.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

/**
 * tsecho's logging, one line of text an event on stderr, set up in code: Logback reading the same
 * from an XML file added about 0.1 s to the time {@code tsecho serve} takes to listen. A file named
 * by {@code -Dlogback.configurationFile}, or a {@code logback.xml} or {@code logback-test.xml} on the
 * class path (the container image's {@code /app/resources}, for one), wins.
 * Found by Logback through {@code META-INF/services}.
 */
public final class TextLogging extends ContextAwareBase implements Configurator {
  private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ClassLoader classes = TextLogging.class.getClassLoader();
    if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
        || classes.getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null
        || classes.getResource(ContextInitializer.AUTOCONFIG_FILE) != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    // Logback's own status lines stay quiet, as they did with the file's NopStatusListener.
    context.getStatusManager().add(new NopStatusListener());

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(stderr);
    context.getLogger("io.netty").setLevel(Level.WARN);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
