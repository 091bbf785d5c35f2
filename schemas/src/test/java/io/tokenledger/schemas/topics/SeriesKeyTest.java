package io.tokenledger.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.models.ProviderModel;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.ValidationSettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Series keys in both layouts, and the names that keep them unambiguous. */
class SeriesKeyTest {
  @Test
  void readsBothLayoutsAndKeepsAModelWithSeparatorsWhole() {
    SeriesKey now = SeriesKey.parse("support|triage|azure.ai.openai/gpt-4o");
    assertEquals(new SeriesKey("support", "triage", "azure.ai.openai", "gpt-4o"), now);
    assertEquals("support|triage|azure.ai.openai/gpt-4o", now.toString());
    // An OpenRouter model has a '/' of its own, a Vertex Claude an '@', a made-up one a '|'.
    assertEquals(new SeriesKey("support", "triage", "openrouter", "anthropic/claude-3.5-sonnet"),
        SeriesKey.parse("support|triage|openrouter/anthropic/claude-3.5-sonnet"));
    assertEquals(new SeriesKey("s", "w", "acme", "org|model@v2"), SeriesKey.parse("s|w|acme/org|model@v2"));
    // Layout 1, written before figures were provider-qualified: the provider was not recorded.
    SeriesKey before = SeriesKey.parse("support|triage|gpt-4o");
    assertNull(before.provider());
    assertEquals("gpt-4o", before.model());
    assertEquals("support|triage|gpt-4o", before.toString(), "written back as it was read");
    assertFalse(before.providerModel().hasProvider());
    assertThrows(IllegalArgumentException.class, () -> SeriesKey.parse("support|gpt-4o"));
    assertEquals("support", SeriesKey.teamOf("support|triage|openai/gpt-4o"));
  }

  @Test
  void aModelMatchesItsSnapshotsAtAnyProvider() {
    assertTrue(ProviderModel.of(" OpenAI ", "GPT-4o-2024-08-06").isModel("gpt-4o"));
    assertFalse(ProviderModel.of("openai", "gpt-4o-mini").isModel("gpt-4o"));
    assertEquals(new ProviderModel("openai", "gpt-4o"), ProviderModel.parse("openai/gpt-4o"));
  }

  @Test
  void aProviderWithAKeySeparatorIsRefused() {
    UsageValidator validator = new UsageValidator(new ValidationSettings(1_000_000, java.time.Duration.ofMinutes(5)));
    UsageEvent.Builder event = UsageEvent.newBuilder().setEventId("e1").setEventTime(Instant.parse("2026-11-01T00:00:00Z"))
        .setTeam("support").setWorkflow("triage").setService("s").setModel("anthropic/claude-3.5-sonnet")
        .setUncachedInputTokens(1);
    assertEquals(java.util.List.of(), validator.validate(event.setProvider("openrouter").build()));
    for (String provider : new String[] {"openrouter/anthropic", "open|router"}) {
      assertEquals("provider", validator.validate(event.setProvider(provider).build()).get(0).field(), provider);
    }
  }
}
