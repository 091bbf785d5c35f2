package io.tokenledger.reconciliation;

/** Why the ledger and the bill differ, one class per cause; each has what to do in docs/reconciliation.md. */
public enum DifferenceClass {
  /** The bill has tokens we never recorded: a service or key that does not record usage. */
  MISSING_ON_OUR_SIDE("tokens missing on our side"),
  /** We recorded tokens the bill does not have: counted twice (a bug), or billed elsewhere. */
  EXTRA_ON_OUR_SIDE("tokens extra on our side"),
  /** The same tokens cost another amount: our catalog's price is not the bill's. */
  PRICE_DRIFT("price drift"),
  /** Tokens billed in another service tier than we recorded (batch, priority, flex) or a long-context band. */
  TIER_CLASSIFICATION("tier classification"),
  /** Cache writes billed for another duration (1 hour against 5 minutes) than we recorded. */
  CACHE_CLASSIFICATION("cache classification"),
  /** Within the documented rounding bound of the bill's and our amounts. */
  ROUNDING("rounding"),
  /** Charges that are not model tokens (tools, fees): tokenledger does not meter them. */
  NOT_METERED("not metered"),
  /** What no rule explains. */
  UNEXPLAINED("unexplained");

  private final String words;

  DifferenceClass(String words) {
    this.words = words;
  }

  /** As people read it in tables and pages. */
  public String words() {
    return words;
  }
}
