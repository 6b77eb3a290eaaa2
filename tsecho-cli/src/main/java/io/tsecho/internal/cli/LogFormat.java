package io.tsecho.internal.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --log-format}: how log lines are written on stderr. The lines tsecho prints itself, such as
 * the listening line and a failure's one line, stay plain text in both, for scripts and people.
 */
enum LogFormat {
  /** {@link TextLogging}: a line of text an event, for people. */
  TEXT,
  /**
   * {@code logback-json.xml}: one JSON object a line, written by Logback's own {@code JsonEncoder},
   * with the fields of the text line and, where a line has them, its values as keys.
   */
  JSON;

  String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Sets the logging up for this format; before {@link LogLevels#apply}, which it would undo. */
  void apply() {
    if (this == TEXT) {
      return; // set up at start, by TextLogging
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      return;
    }
    LoggerContext context = (LoggerContext) factory;
    URL config = LogFormat.class.getResource("/logback-json.xml");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    context.reset();
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot set up JSON logging: " + e.getMessage(), e);
    }
  }

  static final class Name implements ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      for (LogFormat f : values()) {
        if (f.cliName().equalsIgnoreCase(value)) {
          return f;
        }
      }
      throw new TypeConversionException("'" + value + "' is not a log format; use text or json");
    }
  }
}
