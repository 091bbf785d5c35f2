package io.tokenledger.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PassThroughTest {
  private static final URI BASE = URI.create("http://127.0.0.1:7070/");

  @Test
  void aV1RouteGoesToTheConfiguredHostWithItsQuery() {
    PassThrough.Decision d = PassThrough.target(BASE, "v1/breakdown",
        "scope=team&window=1d&from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-05T00:00:00Z");
    assertEquals(URI.create("http://127.0.0.1:7070/v1/breakdown?scope=team&window=1d"
        + "&from=2026-12-01T00%3A00%3A00.000Z&to=2026-12-05T00:00:00Z"), ((PassThrough.Target) d).uri());
    assertEquals(URI.create("http://127.0.0.1:7070/v1/whatif?period=2026-12&change=openai/gpt-4o:-30%25"),
        ((PassThrough.Target) PassThrough.target(BASE, "v1/whatif", "period=2026-12&change=openai/gpt-4o:-30%25")).uri());
    assertEquals(URI.create("http://127.0.0.1:7070/v1/export/focus"),
        ((PassThrough.Target) PassThrough.target(URI.create("http://127.0.0.1:7070/base/"), "v1/export/focus", null)).uri());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "%2F127.0.0.1:9999%2Fx.html", "%2f%2fevil.example%2fx", "/evil.example/x", "//evil.example/x",
      "v1//evil.example/x", "v1/%2F%2Fevil.example", "v1/..%2F..%2Fadmin", "v1/../admin", "v1/%2E%2E/admin",
      "..%2Fv1/x", "http://evil.example/v1/x", "http:%2F%2Fevil.example%2Fv1", "file:%2F%2F%2Fetc%2Fpasswd",
      "v1/x%252F..%252Fy", "v1/%40evil.example", "v1/x@evil.example", "v1/x%5C..%5Cy", "v1\\..\\y",
      "v1/x%00", "v1/x%0d%0aHost:%20evil", "v1/.", "v1/./x", "V1/x", "v2/x", "metrics", "", "v1", "v1/",
      "v1/x?y", "v1/x#y", "v1/%zz"})
  void craftedPathsAreRefused(String rawPath) {
    assertInstanceOf(PassThrough.Refused.class, PassThrough.target(BASE, rawPath, null), rawPath);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=b#frag", "a=b c", "a=<script>", "a=\"", "a=b\r\nHost: evil", "a=\\"})
  void queriesThatAreNotPercentEncodedAreRefused(String rawQuery) {
    assertInstanceOf(PassThrough.Refused.class, PassThrough.target(BASE, "v1/breakdown", rawQuery), rawQuery);
  }

  @Test
  void onlyDataContentTypesAreServed() {
    assertTrue(PassThrough.servable("application/json"));
    assertTrue(PassThrough.servable("application/json; charset=utf-8"));
    assertTrue(PassThrough.servable("text/csv; charset=utf-8"));
    assertTrue(PassThrough.servable("application/vnd.apache.parquet"));
    assertFalse(PassThrough.servable("text/html"));
    assertFalse(PassThrough.servable("text/html; charset=utf-8"));
    assertFalse(PassThrough.servable("application/javascript"));
    assertFalse(PassThrough.servable("image/svg+xml"));
    assertFalse(PassThrough.servable(null));
  }
}
