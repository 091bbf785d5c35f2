package io.tokenledger.dashboard;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the dashboard's pass-through may fetch: a {@code v1/...} path of a configured query API,
 * never anything else. The target is built from the configured base's scheme, host and port alone
 * and the path is checked after decoding, so that no encoded slash, dot segment, second scheme or
 * authority can turn the dashboard into a proxy to another host. The answer is served only when it
 * is JSON, CSV or Parquet: the dashboard's origin never serves another host's page or script.
 */
public final class PassThrough {
  /** One or more path segments of letters, digits, '-', '_' and '.', under {@code v1/}. */
  private static final Pattern PATH = Pattern.compile("v1(/[A-Za-z0-9_.-]+)+");
  /** A raw query as RFC 3986 allows it: unreserved, percent-encoded, sub-delims, ':', '@', '/' and '?'. */
  private static final Pattern QUERY = Pattern.compile("[A-Za-z0-9_.~%!$&'()*+,;=:@/?-]*");
  private static final Set<String> CONTENT_TYPES = Set.of("application/json", "text/csv", "application/vnd.apache.parquet");

  private PassThrough() {
  }

  /** The target URI, or why the request is refused. */
  public sealed interface Decision permits Target, Refused {
  }

  public record Target(URI uri) implements Decision {
  }

  public record Refused(String reason) implements Decision {
  }

  /**
   * @param base the configured base URL of a service's query API (only its scheme, host and port are used)
   * @param rawPath the request's path after {@code /api/<service>/}, as sent (not decoded)
   * @param rawQuery the request's query as sent, or null
   */
  public static Decision target(URI base, String rawPath, String rawQuery) {
    String path;
    try {
      path = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return new Refused("the path is not valid percent-encoding");
    }
    if (!PATH.matcher(path).matches() || path.contains("..") || path.contains("//") || path.contains("%")
        || path.contains("/.")) {
      return new Refused("the dashboard passes only v1/... paths of letters, digits, '-', '_' and '.', "
          + "with no '..', '//', segment starting with '.' or encoded characters");
    }
    if (rawQuery != null && !QUERY.matcher(rawQuery).matches()) {
      return new Refused("the query string holds characters that must be percent-encoded");
    }
    try {
      URI uri = new URI(base.getScheme(), null, base.getHost(), base.getPort(), "/" + path, null, null);
      return new Target(rawQuery == null || rawQuery.isEmpty() ? uri : URI.create(uri + "?" + rawQuery));
    } catch (URISyntaxException | IllegalArgumentException e) {
      return new Refused("the request does not make a valid URL");
    }
  }

  /** Whether an upstream's answer of this Content-Type may be served from the dashboard's origin. */
  public static boolean servable(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return CONTENT_TYPES.contains(media);
  }
}
