package io.tokenledger.testing;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * What our code logged while a test ran, for tests that check a message names what an operator
 * needs (a path, a team, what to do). Captures the {@code io.tokenledger} loggers.
 */
public final class LogCapture implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
  private final LoggerConfig logger;
  private final AbstractAppender appender;

  public LogCapture() {
    appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getMessage().getFormattedMessage());
      }
    };
    appender.start();
    logger = context.getConfiguration().getLoggerConfig("io.tokenledger");
    logger.addAppender(appender, Level.ALL, null);
    context.updateLoggers();
  }

  /** Every line so far: level, logger, message. */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The lines at a level that contain a text. */
  public List<String> find(Level level, String text) {
    return lines.stream().filter(l -> l.startsWith(level.name() + " ") && l.contains(text)).toList();
  }

  @Override
  public void close() {
    logger.removeAppender(appender.getName());
    context.updateLoggers();
    appender.stop();
  }
}
