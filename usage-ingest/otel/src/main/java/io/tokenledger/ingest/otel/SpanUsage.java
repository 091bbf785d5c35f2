package io.tokenledger.ingest.otel;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tokenledger.ingest.normalize.OtelGenAiUsage;
import io.tokenledger.ingest.normalize.ProviderCall;
import io.tokenledger.ingest.normalize.UsageShapeException;
import io.tokenledger.schemas.UsageEvent;
import io.tokenledger.schemas.validation.UsageValidator;
import io.tokenledger.schemas.validation.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Turns the spans of an OTLP export into usage events: one per span that reports GenAI token
 * usage (every other span is skipped after a look at its attribute names), its buckets from
 * {@link OtelGenAiUsage}, team, workflow and service from the {@link SpanMapping}, and the event
 * id {@code otel-<trace id>-<span id>}, so a span exported twice (a Collector retry, two
 * exporters) is counted once. A usage span that cannot be accounted for is rejected with the
 * reason; the others still go through.
 */
public final class SpanUsage {
  private static final HexFormat HEX = HexFormat.of();

  private final SpanMapping mapping;
  private final UsageValidator validator;

  public SpanUsage(SpanMapping mapping, UsageValidator validator) {
    this.mapping = mapping;
    this.validator = validator;
  }

  /** What an export held: usage events, how many spans were not usage, and the usage spans refused. */
  public record Mapped(List<UsageEvent> events, int spans, int ignored, List<Rejection> rejections) {}

  /** A usage span refused, by trace and span id (hex), and why. */
  public record Rejection(String traceId, String spanId, String reason) {
    @Override
    public String toString() {
      return "span " + spanId + " of trace " + traceId + ": " + reason;
    }
  }

  /**
   * @param boundTeam the team the sender may write (an API key's), or null when the spans must
   *     name it themselves (the Collector's topic)
   * @param nowMillis the clock an event time may not lie too far after
   */
  public Mapped map(ExportTraceServiceRequest request, String boundTeam, long nowMillis) {
    List<UsageEvent> events = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    int spans = 0;
    int ignored = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Map<String, Object> resource = null;
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          spans++;
          if (!reportsUsage(span)) {
            ignored++;
            continue;
          }
          if (resource == null) {
            resource = attributes(resourceSpans.getResource().getAttributesList());
          }
          try {
            events.add(event(span, resource, boundTeam, nowMillis));
          } catch (Refused | UsageShapeException e) {
            rejections.add(new Rejection(HEX.formatHex(span.getTraceId().toByteArray()),
                HEX.formatHex(span.getSpanId().toByteArray()), e.getMessage()));
          }
        }
      }
    }
    return new Mapped(events, spans, ignored, rejections);
  }

  private static boolean reportsUsage(Span span) {
    for (KeyValue attribute : span.getAttributesList()) {
      if (OtelGenAiUsage.USAGE_KEYS.contains(attribute.getKey())) {
        return true;
      }
    }
    return false;
  }

  private UsageEvent event(Span span, Map<String, Object> resource, String boundTeam, long nowMillis)
      throws Refused {
    if (span.getTraceId().size() != 16 || span.getSpanId().size() != 8) {
      throw new Refused("a span needs a 16-byte trace id and an 8-byte span id (they make its event id)");
    }
    Map<String, Object> attributes = attributes(span.getAttributesList());
    ProviderCall call = OtelGenAiUsage.span(attributes);
    String claimed = first(mapping.teamAttributes(), attributes, resource);
    if (boundTeam != null && claimed != null && !claimed.equals(boundTeam)) {
      throw new Refused("it is for team '" + claimed + "' (" + mapping.teamAttributes() + ") but the API key writes "
          + "team '" + boundTeam + "' only");
    }
    String team = claimed != null ? claimed : boundTeam;
    if (team == null) {
      throw new Refused("no team: set one of the attributes " + mapping.teamAttributes() + " on the span or its "
          + "resource (or configure " + SpanMapping.PREFIX + "team-attributes)");
    }
    String workflow = first(mapping.workflowAttributes(), attributes, resource);
    String service = first(mapping.serviceAttributes(), attributes, resource);
    long nanos = span.getEndTimeUnixNano() != 0 ? span.getEndTimeUnixNano() : span.getStartTimeUnixNano();
    UsageEvent event = call.tokens().applyTo(UsageEvent.newBuilder()
        .setEventId("otel-" + HEX.formatHex(span.getTraceId().toByteArray()) + "-"
            + HEX.formatHex(span.getSpanId().toByteArray()))
        .setEventTime(Instant.ofEpochMilli(nanos / 1_000_000))
        .setTeam(team).setWorkflow(workflow != null ? workflow : mapping.defaultWorkflow())
        .setService(service != null ? service : mapping.defaultService())
        .setProvider(call.provider()).setModel(call.model()).setServiceTier(call.serviceTier()).setRequestCount(1)
        .setWorkItemId(first(mapping.workItemAttributes(), attributes, resource))
        .setVariant(first(mapping.variantAttributes(), attributes, resource))).build();
    List<Violation> violations = validator.validate(event, nowMillis);
    if (!violations.isEmpty()) {
      throw new Refused(UsageValidator.describe(violations));
    }
    return event;
  }

  private static String first(List<String> names, Map<String, Object> span, Map<String, Object> resource) {
    for (String name : names) {
      Object value = span.containsKey(name) ? span.get(name) : resource.get(name);
      if (value != null && !value.toString().isBlank()) {
        return value.toString().strip();
      }
    }
    return null;
  }

  /** Attribute values as Java values: text, whole numbers as Long, doubles, booleans; the rest as text. */
  static Map<String, Object> attributes(List<KeyValue> list) {
    Map<String, Object> map = new HashMap<>(list.size() * 2);
    for (KeyValue kv : list) {
      AnyValue v = kv.getValue();
      Object value = switch (v.getValueCase()) {
        case STRING_VALUE -> v.getStringValue();
        case INT_VALUE -> v.getIntValue();
        case DOUBLE_VALUE -> v.getDoubleValue();
        case BOOL_VALUE -> v.getBoolValue();
        case VALUE_NOT_SET -> null;
        default -> v.toString().strip();
      };
      if (value != null) {
        map.put(kv.getKey(), value);
      }
    }
    return map;
  }

  private static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }
}
