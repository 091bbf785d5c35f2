package io.tokenledger.alerting.admission;

import io.micrometer.core.instrument.Counter;
import io.tokenledger.platform.metrics.ServiceMeters;
import io.tokenledger.schemas.AdmissionVerdict;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the team's tasks decided and held: {@code tokenledger_admission_decisions_total{verdict}},
 * {@code tokenledger_admission_reservations_total{end=settled|expired}} and usage that named a
 * reservation no longer held ({@code end=unheld}: expired first, or a fail-open answer).
 */
final class AdmissionMeters {
  private static final Map<AdmissionVerdict, Counter> DECISIONS = new EnumMap<>(AdmissionVerdict.class);
  private static final Counter SETTLED = end("settled", "Reservations settled by their call's usage");
  private static final Counter EXPIRED = end("expired", "Reservations released unsettled when they expired");
  private static final Counter UNHELD = end("unheld",
      "Usage naming a reservation no longer held (expired first, or never made): counted, nothing released");

  static {
    for (AdmissionVerdict verdict : AdmissionVerdict.values()) {
      DECISIONS.put(verdict, ServiceMeters.counter("tokenledger.admission.decisions",
          "Admission requests answered by the team's task, by verdict", "verdict", verdict.name().toLowerCase()));
    }
  }

  private AdmissionMeters() {}

  private static Counter end(String end, String description) {
    return ServiceMeters.counter("tokenledger.admission.reservations", description, "end", end);
  }

  static void decided(AdmissionVerdict verdict) {
    DECISIONS.get(verdict).increment();
  }

  static void settled() {
    SETTLED.increment();
  }

  static void expired() {
    EXPIRED.increment();
  }

  static void settledUnheld() {
    UNHELD.increment();
  }
}
