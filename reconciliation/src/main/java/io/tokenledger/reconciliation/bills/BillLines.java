package io.tokenledger.reconciliation.bills;

import io.tokenledger.schemas.BillLine;
import io.tokenledger.schemas.topics.BillKeys;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The lines one import makes: a provider's results with the same identity (the hours of one day,
 * the pages of one export) summed into one line, so the import writes each line whole and a
 * later import of the same day replaces it instead of adding to it.
 */
public final class BillLines {
  /** A line's identity: what {@link BillKeys} keys it by. */
  public record Identity(String provider, String source, String day, String account, String apiKey, String model,
      String tokenType, String serviceTier, String contextWindow) {
    public Identity {
      Objects.requireNonNull(provider, "provider");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(day, "day");
      account = account == null ? "" : account;
    }
  }

  /** What a provider's result says of one identity: any of tokens, requests and an amount. */
  public record Part(Long tokens, Long requests, BigDecimal amount, BigDecimal amountAsGiven, String givenUnit,
      String currency, String description, String invoiceId) {
    public static Part tokens(long tokens, Long requests, String description) {
      return new Part(tokens, requests, null, null, null, null, description, null);
    }
  }

  private static final class Sum {
    Long tokens;
    Long requests;
    BigDecimal amount;
    BigDecimal given;
    String givenUnit;
    String currency;
    String description;
    String invoiceId;
  }

  private final String importedFrom;
  private final Instant importedAt;
  private final Map<Identity, Sum> lines = new LinkedHashMap<>();
  private final List<String> skipped = new ArrayList<>();

  public BillLines(String importedFrom, Instant importedAt) {
    this.importedFrom = importedFrom;
    this.importedAt = importedAt;
  }

  public void add(Identity identity, Part part) {
    Sum sum = lines.computeIfAbsent(identity, k -> new Sum());
    sum.tokens = plus(sum.tokens, part.tokens());
    sum.requests = plus(sum.requests, part.requests());
    if (part.amount() != null) {
      if (sum.currency != null && part.currency() != null && !sum.currency.equals(part.currency())) {
        throw new IllegalArgumentException("one line of " + identity.day() + " (" + identity.model() + ") is billed in "
            + sum.currency + " and in " + part.currency() + ": amounts in two currencies are never added");
      }
      sum.amount = sum.amount == null ? part.amount() : sum.amount.add(part.amount());
      sum.given = sum.given == null ? part.amountAsGiven() : sum.given.add(part.amountAsGiven());
      sum.givenUnit = part.givenUnit();
      sum.currency = part.currency();
    }
    if (sum.description == null) {
      sum.description = part.description();
    }
    if (sum.invoiceId == null) {
      sum.invoiceId = part.invoiceId();
    }
  }

  /** A result the reader does not take, with why: the import reports them, so nothing goes missing unsaid. */
  public void skip(String why) {
    skipped.add(why);
  }

  public List<String> skipped() {
    return List.copyOf(skipped);
  }

  public int size() {
    return lines.size();
  }

  /** The lines, each once. */
  public List<BillLine> build() {
    List<BillLine> out = new ArrayList<>();
    lines.forEach((id, sum) -> {
      BillLine line = BillLine.newBuilder().setLineId("").setProvider(id.provider()).setSource(id.source())
          .setDay(id.day()).setAccount(id.account()).setApiKey(id.apiKey()).setModel(id.model())
          .setTokenType(id.tokenType()).setServiceTier(id.serviceTier()).setContextWindow(id.contextWindow())
          .setDescription(sum.description).setTokens(sum.tokens).setRequests(sum.requests)
          .setAmount(sum.amount == null ? null : sum.amount.toPlainString())
          .setAmountAsGiven(sum.given == null ? null
              : sum.given.toPlainString() + (sum.givenUnit == null ? "" : " " + sum.givenUnit))
          .setCurrency(sum.currency).setInvoiceId(sum.invoiceId).setImportedFrom(importedFrom)
          .setImportedAt(importedAt).build();
      line.setLineId(BillKeys.of(line));
      out.add(line);
    });
    return out;
  }

  private static Long plus(Long a, Long b) {
    if (b == null) {
      return a;
    }
    return a == null ? b : Math.addExact(a, b);
  }
}
