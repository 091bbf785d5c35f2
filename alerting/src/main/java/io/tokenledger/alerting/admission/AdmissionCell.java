package io.tokenledger.alerting.admission;

import io.tokenledger.schemas.Budget;
import io.tokenledger.schemas.budgets.BudgetCoverage;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.serde.StoredLayout;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One kind of call, as budgets tell calls apart: team, workflow, the model as figures key it
 * (the catalog entry that prices it), person and agent. Admission's spend is kept per cell, so a
 * budget of any of these subjects sums the cells it covers.
 */
record AdmissionCell(String team, String workflow, ProviderModel model, String userId, String agentId) {
  boolean coveredBy(Budget budget) {
    return BudgetCoverage.covers(budget, team, workflow, model, userId, agentId);
  }

  AdmissionCell withModel(ProviderModel other) {
    return new AdmissionCell(team, workflow, other, userId, agentId);
  }

  /** Store layout (internal, changelog only): a version byte, then five strings, each length-prefixed (-1: null). */
  private static final StoredLayout LAYOUT = new StoredLayout("admission cell", 1);

  static Serde<AdmissionCell> serde() {
    return Serdes.serdeFrom((topic, cell) -> {
      if (cell == null) {
        return null;
      }
      byte[][] parts = {bytes(cell.team), bytes(cell.workflow), bytes(cell.model.toString()), bytes(cell.userId),
          bytes(cell.agentId)};
      int size = 0;
      for (byte[] part : parts) {
        size += 4 + (part == null ? 0 : part.length);
      }
      ByteBuffer out = LAYOUT.writer(size);
      for (byte[] part : parts) {
        putBytes(out, part);
      }
      return out.array();
    }, (topic, data) -> {
      if (data == null) {
        return null;
      }
      ByteBuffer in = LAYOUT.reader(data).buffer();
      return new AdmissionCell(string(in), string(in), ProviderModel.parse(string(in)), string(in), string(in));
    });
  }

  static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  static void putBytes(ByteBuffer out, byte[] part) {
    if (part == null) {
      out.putInt(-1);
    } else {
      out.putInt(part.length).put(part);
    }
  }

  static String string(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0) {
      return null;
    }
    byte[] text = new byte[length];
    in.get(text);
    return new String(text, StandardCharsets.UTF_8);
  }
}
