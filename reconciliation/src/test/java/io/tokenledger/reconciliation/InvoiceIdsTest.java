package io.tokenledger.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tokenledger.reconciliation.bills.BillLines;
import io.tokenledger.reconciliation.bills.ProviderExports;
import io.tokenledger.reconciliation.mapping.BillMap;
import io.tokenledger.schemas.BillIdentityKind;
import io.tokenledger.schemas.BillMapping;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The invoice of AWS's FOCUS file reaches the catalog model its SKU is mapped to, for the day it billed. */
class InvoiceIdsTest {
  @Test
  void aBedrockDaysInvoiceIsFoundUnderTheCatalogsModel() throws Exception {
    String csv;
    try (InputStream in = InvoiceIdsTest.class.getResourceAsStream("/bills/focus-aws-bedrock.csv")) {
      csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    BillLines lines = new BillLines("focus-aws-bedrock.csv", Instant.EPOCH);
    ProviderExports.read("focus", "focus-aws-bedrock.csv", csv, lines);
    BillMap map = new BillMap(List.of(BillMapping.newBuilder().setProvider("aws.bedrock")
        .setKind(BillIdentityKind.MODEL).setIdentity("Claude3.5Sonnet").setModel("claude-3-5-sonnet")
        .setEffectiveFrom(Instant.EPOCH).setSetBy("test").setUpdatedAt(Instant.EPOCH).build()));
    InvoiceIds invoices = InvoiceIds.of(lines.build(), map);
    assertEquals("EUINUS25-123456", invoices.of("aws.bedrock", "2025-11-03", "claude-3-5-sonnet"));
    assertNull(invoices.of("aws.bedrock", "2025-11-04", "claude-3-5-sonnet"), "another day: none known");
    assertNull(invoices.of("openai", "2025-11-03", "claude-3-5-sonnet"), "another provider: none");
  }
}
