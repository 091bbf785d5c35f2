package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;
import java.util.Arrays;
import java.util.List;

/**
 * The keys of the bill topics: a JSON array of the record's identity fields, so any name (a model
 * with a '/', a key with a '|') keeps them apart, and a key is never split to be read.
 * A bill line's identity: provider, source, day, account, API key, model, token type, service
 * tier, context window. A mapping version's: provider, kind, identity, effective_from.
 */
public final class BillKeys {
  private BillKeys() {}

  public static String of(BillLine line) {
    return array(line.getProvider(), line.getSource(), line.getDay(), line.getAccount(), line.getApiKey(),
        line.getModel(), line.getTokenType(), line.getServiceTier(), line.getContextWindow());
  }

  public static String of(BillMapping mapping) {
    return array(mapping.getProvider(), mapping.getKind().name(), mapping.getIdentity(),
        mapping.getEffectiveFrom().toString());
  }

  private static String array(String... parts) {
    List<String> cells = Arrays.stream(parts).map(BillKeys::json).toList();
    return "[" + String.join(",", cells) + "]";
  }

  private static String json(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
