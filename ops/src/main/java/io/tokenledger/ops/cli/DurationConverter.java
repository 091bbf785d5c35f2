package io.tokenledger.ops.cli;

import io.tokenledger.schemas.config.ConfigValues;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads 60s, 5m, 2h, 500ms or PT1M on the command line. */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return ConfigValues.parseDuration(value);
  }
}
