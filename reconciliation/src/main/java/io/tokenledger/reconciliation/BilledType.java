package io.tokenledger.reconciliation;

import io.tokenledger.schemas.tokens.TokenKind;
import java.util.List;

/**
 * The token types a bill prices apart: our buckets, with reasoning in output (OpenAI, Anthropic
 * and the clouds bill thinking as output tokens).
 */
public final class BilledType {
  public static final List<String> ALL = List.of("uncached_input", "cache_read", "cache_write", "cache_write_1h",
      "output", "audio_input", "audio_output");

  private BilledType() {}

  /** The billed type a ledger kind is counted in. */
  public static String of(TokenKind kind) {
    return kind == TokenKind.REASONING ? "output" : kind.wireName();
  }

  public static boolean isBilled(String type) {
    return type != null && ALL.contains(type);
  }
}
