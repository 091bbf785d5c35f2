package io.tokenledger.ingest.admission;

import io.tokenledger.schemas.AdmissionDecision;
import io.tokenledger.schemas.ReturnedLease;
import io.tokenledger.schemas.budgets.AdmissionEstimates;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The headroom the team's task granted this caller, per kind of call: admitted from without a
 * round trip until it is used up or its time is over. Each admission takes its estimate off the
 * lease (the same rule the task reserves by), so what is admitted here never exceeds what the
 * task holds for it. A kind of call no HARD budget covers is remembered as such for the lease's
 * time.
 */
final class Leases {
  private record Key(String team, String workflow, String provider, String model, String userId, String agentId) {
    static Key of(AdmissionQuery q) {
      return new Key(q.team(), q.workflow(), q.provider(), q.model(), q.userId(), q.agentId());
    }
  }

  private static final class Lease {
    private final AdmissionDecision basis;
    private final long useUntil;
    private final BigDecimal input;
    private final BigDecimal output;
    private Long nanoUsd;
    private Long tokens;
    private boolean returned;
    private long admitted = 1; // the call the task's answer admitted

    Lease(AdmissionDecision basis) {
      this.basis = basis;
      this.useUntil = basis.getLeaseUseUntil().toEpochMilli();
      this.input = basis.getInputUsdPerMtok() == null ? null : new BigDecimal(basis.getInputUsdPerMtok());
      this.output = basis.getOutputUsdPerMtok() == null ? null : new BigDecimal(basis.getOutputUsdPerMtok());
      this.nanoUsd = basis.getLeaseNanoUsd();
      this.tokens = basis.getLeaseTokens();
    }
  }

  private final Map<Key, Lease> leases = new ConcurrentHashMap<>();
  private final Map<String, Queue<ReturnedLease>> returns = new ConcurrentHashMap<>();

  /**
   * A lease that no longer holds the next call (or is past its use) is given back with the next
   * request of its team: what was not admitted from it is released at once in the team's task.
   */
  private void giveBack(Key key, Lease lease) {
    synchronized (lease) {
      leases.remove(key, lease);
      if (lease.returned) {
        return;
      }
      lease.returned = true;
      if (lease.basis.getGoverned() && lease.basis.getReservationId() != null) {
        returns.computeIfAbsent(key.team(), t -> new ConcurrentLinkedQueue<>()).add(new ReturnedLease(
            lease.basis.getReservationId(), lease.nanoUsd == null ? 0 : lease.nanoUsd,
            lease.tokens == null ? 0 : lease.tokens, lease.admitted));
      }
    }
  }

  /** Gives back every lease held (the caller is closing); returns the teams that have leases to give back. */
  java.util.Set<String> giveBackAll() {
    for (Map.Entry<Key, Lease> e : List.copyOf(leases.entrySet())) {
      giveBack(e.getKey(), e.getValue());
    }
    java.util.Set<String> teams = new java.util.TreeSet<>();
    returns.forEach((team, queue) -> {
      if (!queue.isEmpty()) {
        teams.add(team);
      }
    });
    return teams;
  }

  /** The leases of a team given back since its last request, to go with the next one. */
  List<ReturnedLease> drainReturns(String team) {
    Queue<ReturnedLease> queue = returns.get(team);
    List<ReturnedLease> drained = new ArrayList<>();
    if (queue != null) {
      for (ReturnedLease back = queue.poll(); back != null; back = queue.poll()) {
        drained.add(back);
      }
    }
    return drained;
  }

  /** Keeps the lease an answer grants, under the kind of call it was granted for (the model it names). */
  void offer(AdmissionQuery query, AdmissionDecision decision) {
    Key key = Key.of(query.withModel(decision.getModel()));
    if (decision.getLeaseUseUntil() != null) {
      Lease before = leases.put(key, new Lease(decision));
      if (before != null) {
        giveBack(key, before);
      }
    }
  }

  /** An admission from a lease, or null when there is none that holds this call. */
  Admission take(AdmissionQuery query, long now) {
    Key key = Key.of(query);
    Lease lease = leases.get(key);
    if (lease == null) {
      return null;
    }
    AdmissionDecision basis = lease.basis;
    if (now >= lease.useUntil) {
      giveBack(key, lease);
      return null;
    }
    if (!basis.getGoverned()) {
      return new Admission(Admission.Verdict.ALLOW, query.provider(), query.model(), false, null, 0, 0, null, null,
          null, null, "Allowed: no HARD budget covers calls like this one (as the team's task said at "
          + basis.getDecidedAt() + ").", Admission.Source.LEASE);
    }
    long tokens = AdmissionEstimates.tokens(query.estimatedInputTokens(), query.maxOutputTokens());
    synchronized (lease) {
      if (lease.returned) {
        return null;
      }
      long nano = 0;
      if (lease.nanoUsd != null) {
        if (lease.input == null) {
          giveBack(key, lease);
          return null;
        }
        nano = AdmissionEstimates.nanoUsd(lease.input, lease.output, query.estimatedInputTokens(),
            query.maxOutputTokens());
        if (nano > lease.nanoUsd) {
          giveBack(key, lease);
          return null;
        }
      }
      if (lease.tokens != null && tokens > lease.tokens) {
        giveBack(key, lease);
        return null;
      }
      if (lease.nanoUsd != null) {
        lease.nanoUsd -= nano;
      }
      if (lease.tokens != null) {
        lease.tokens -= tokens;
      }
      lease.admitted++;
      return new Admission(Admission.Verdict.ALLOW, query.provider(), query.model(), true,
          basis.getReservationId(), nano, tokens, basis.getBudgetId(), null, null, basis.getResetsAt(),
          "Allowed from the lease of reservation " + basis.getReservationId() + " (budget " + basis.getBudgetId()
              + "), usable until " + Instant.ofEpochMilli(lease.useUntil) + ".", Admission.Source.LEASE);
    }
  }
}
