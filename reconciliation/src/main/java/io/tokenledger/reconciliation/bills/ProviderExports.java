package io.tokenledger.reconciliation.bills;

import java.util.List;

/** Which reader reads which export: {@code bills import --provider openai|anthropic|focus}. */
public final class ProviderExports {
  public static final List<String> FORMATS = List.of("openai", "anthropic", "focus");

  private ProviderExports() {}

  /** Reads one file of the format into the import's lines. */
  public static void read(String format, String fileName, String text, BillLines into) {
    switch (format) {
      case "openai" -> OpenAiExports.read(fileName, text, into);
      case "anthropic" -> AnthropicExports.read(fileName, text, into);
      case "focus" -> FocusBills.read(fileName, text, into);
      default -> throw new IllegalArgumentException("--provider must be one of " + FORMATS + ", not '" + format + "'");
    }
  }
}
