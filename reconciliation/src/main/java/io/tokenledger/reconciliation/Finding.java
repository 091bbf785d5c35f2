package io.tokenledger.reconciliation;

import java.math.BigDecimal;
import java.util.List;

/**
 * One classified part of a difference: the bill minus the ledger, in USD (positive: the bill is
 * higher), and the tokens it is about.
 *
 * @param impliedUsdPerMillion the bill's price (its amount over its tokens), for a price drift
 * @param oursUsdPerMillion our catalog's price, for a price drift
 * @param identities who the tokens are of on the bill (keys, projects, workspaces, accounts)
 */
public record Finding(Cell cell, DifferenceClass kind, long tokens, BigDecimal amountUsd,
    BigDecimal impliedUsdPerMillion, BigDecimal oursUsdPerMillion, String detail, List<String> identities) {}
