package io.tokenledger.schemas.topics;

import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.BillMapping;

/**
 * The keys of the bill topics: a JSON array of the record's identity fields, so any name (a model
 * with a '/', a key with a '|') keeps them apart, and a key is never split to be read.
 * A bill line's identity: provider, source, day, account, API key, model, token type, service
 * tier, context window. A mapping version's: provider, kind, identity, effective_from.
 */
public final class BillKeys {
  private BillKeys() {}

  public static String of(BillLine line) {
    return JsonArrayKeys.of(line.getProvider(), line.getSource(), line.getDay(), line.getAccount(), line.getApiKey(),
        line.getModel(), line.getTokenType(), line.getServiceTier(), line.getContextWindow());
  }

  public static String of(BillMapping mapping) {
    return JsonArrayKeys.of(mapping.getProvider(), mapping.getKind().name(), mapping.getIdentity(),
        mapping.getEffectiveFrom().toString());
  }
}
