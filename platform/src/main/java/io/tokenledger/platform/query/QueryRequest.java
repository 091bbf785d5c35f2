package io.tokenledger.platform.query;

import io.tokenledger.platform.auth.ApiKeyDirectory;
import java.util.Map;

/**
 * One authenticated question: who asks (a read key), the query parameters, the raw path and
 * query (to forward), and the caller's credential, which a forwarded question carries to the
 * instance that owns the key (every instance follows the same key topic).
 */
public record QueryRequest(ApiKeyDirectory.Team caller, Map<String, String> params, String pathAndQuery,
    String authorization) {

  /** The answer when the caller may not read a team's figures. */
  public QueryAnswer forbidden(QueryRouter router, String what) {
    return router.answer(403, Map.of("error", "API key " + caller.keyId() + " may read "
        + (caller.readsAll() ? "every team" : "team '" + caller.team() + "' only") + ", not " + what
        + "; figures across teams need a read-all key ('tokenledger keys create --scope read-all')"));
  }
}
