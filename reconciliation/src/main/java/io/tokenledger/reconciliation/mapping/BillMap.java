package io.tokenledger.reconciliation.mapping;

import io.tokenledger.schemas.BillIdentityKind;
import io.tokenledger.schemas.BillMapping;
import io.tokenledger.schemas.models.ModelNames;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The effective-dated table of who a bill's identities are: a line is mapped with the version in
 * force at the start of its UTC day. An API key's mapping wins over its project's, workspace's or
 * account's; an identity nothing maps stays unmapped (reported, never guessed). A model as billed
 * is the catalog's model its MODEL mapping names, else its normalised name (snapshot date and
 * provider prefix taken off, as usage is).
 */
public final class BillMap {
  /** Who an identity's usage belongs to, and which mapping said so. */
  public record Owner(String team, String workflow, BillIdentityKind via, String identity) {}

  private record Identity(String provider, BillIdentityKind kind, String identity) {}

  private final Map<Identity, List<BillMapping>> versions = new HashMap<>();

  public BillMap(Collection<BillMapping> mappings) {
    for (BillMapping m : mappings) {
      versions.computeIfAbsent(new Identity(m.getProvider(), m.getKind(), m.getIdentity()), k -> new ArrayList<>()).add(m);
    }
    versions.values().forEach(list -> list.sort(Comparator.comparing(BillMapping::getEffectiveFrom)));
  }

  /** Whose the line's usage is on its day: its key's mapping, else its account's. */
  public Optional<Owner> owner(String provider, String day, String apiKey, String account) {
    Instant at = LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
    if (apiKey != null) {
      Optional<BillMapping> byKey = inForce(new Identity(provider, BillIdentityKind.API_KEY, apiKey), at);
      if (byKey.isPresent()) {
        return byKey.map(m -> new Owner(m.getTeam(), m.getWorkflow(), m.getKind(), m.getIdentity()));
      }
    }
    if (account != null && !account.isEmpty()) {
      for (BillIdentityKind kind : new BillIdentityKind[] {BillIdentityKind.PROJECT, BillIdentityKind.WORKSPACE,
          BillIdentityKind.ACCOUNT}) {
        Optional<BillMapping> m = inForce(new Identity(provider, kind, account), at);
        if (m.isPresent()) {
          return m.map(v -> new Owner(v.getTeam(), v.getWorkflow(), v.getKind(), v.getIdentity()));
        }
      }
    }
    return Optional.empty();
  }

  /** The catalog's model a billed model is on the day. */
  public String model(String provider, String day, String billedModel) {
    Instant at = LocalDate.parse(day).atStartOfDay(ZoneOffset.UTC).toInstant();
    return inForce(new Identity(provider, BillIdentityKind.MODEL, billedModel), at).map(BillMapping::getModel)
        .map(ModelNames::normalise).orElseGet(() -> ModelNames.normalise(billedModel));
  }

  private Optional<BillMapping> inForce(Identity identity, Instant at) {
    List<BillMapping> list = versions.get(identity);
    if (list == null) {
      return Optional.empty();
    }
    BillMapping found = null;
    for (BillMapping m : list) {
      if (!m.getEffectiveFrom().isAfter(at)) {
        found = m;
      }
    }
    // A version with no team (kinds other than MODEL) unmaps the identity from its date on.
    return Optional.ofNullable(found).filter(m -> m.getKind() == BillIdentityKind.MODEL ? m.getModel() != null
        : m.getTeam() != null);
  }
}
