package io.tokenledger.ingest.normalize;

import java.util.Locale;
import java.util.Map;

/**
 * The provider names instrumentations write, mapped to OpenTelemetry's {@code gen_ai.provider.name}
 * values, which the price catalog is keyed by. Read from their sources:
 * <ul>
 *   <li>OpenLLMetry up to 0.5x names its OpenAI-compatible calls by base URL as {@code openai},
 *       {@code Azure}, {@code AWS}, {@code Google} (Vertex's endpoint) and {@code OpenRouter}, and
 *       its own instrumentations {@code Anthropic}, {@code bedrock}, {@code Groq}; 0.6x writes the
 *       OpenTelemetry names ({@code azure.ai.openai}, {@code aws.bedrock}, {@code gcp.vertex_ai}).
 *   <li>OpenInference's {@code llm.provider} is {@code openai}, {@code anthropic}, {@code azure},
 *       {@code aws}, {@code google}, {@code cohere}, {@code mistralai}, {@code xai},
 *       {@code deepseek}; its {@code llm.system} adds {@code vertexai}.
 * </ul>
 * A name not listed is kept, lower-cased (a provider the catalog knows by that name is priced).
 */
public final class ProviderNames {
  private static final Map<String, String> ALIASES = Map.ofEntries(Map.entry("azure", "azure.ai.openai"),
      Map.entry("azure_openai", "azure.ai.openai"), Map.entry("aws", "aws.bedrock"), Map.entry("bedrock", "aws.bedrock"),
      Map.entry("google", "gcp.vertex_ai"), Map.entry("vertexai", "gcp.vertex_ai"), Map.entry("vertex_ai", "gcp.vertex_ai"),
      Map.entry("gemini", "gcp.gemini"), Map.entry("mistralai", "mistral_ai"), Map.entry("mistral", "mistral_ai"),
      Map.entry("xai", "x_ai"), Map.entry("watsonx", "ibm.watsonx.ai"));

  private ProviderNames() {}

  public static String canonical(String reported) {
    String name = reported.strip().toLowerCase(Locale.ROOT);
    return ALIASES.getOrDefault(name, name);
  }
}
