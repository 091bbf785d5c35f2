package io.tokenledger.platform.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * API key tokens: {@code tlk_<key id>_<secret>}. The key id is public and names the stored
 * record; the 256-bit secret is shown once at creation and only its SHA-256 is stored.
 */
public final class ApiKeyTokens {
  public static final String PREFIX = "tlk_";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private ApiKeyTokens() {}

  /** A presented token split into its parts. */
  public record Parsed(String keyId, String secret) {}

  /** A freshly generated key: the token to hand out once, and what to store. */
  public record Generated(String token, String keyId, String secretSha256) {}

  public static Generated generate() {
    byte[] id = new byte[9];
    byte[] secret = new byte[32];
    RANDOM.nextBytes(id);
    RANDOM.nextBytes(secret);
    String keyId = HexFormat.of().formatHex(id);
    String secretText = URL_SAFE.encodeToString(secret);
    return new Generated(PREFIX + keyId + "_" + secretText, keyId, sha256(secretText));
  }

  public static Optional<Parsed> parse(String token) {
    if (token == null || !token.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int separator = token.indexOf('_', PREFIX.length());
    if (separator < 0 || separator == token.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new Parsed(token.substring(PREFIX.length(), separator), token.substring(separator + 1)));
  }

  public static String sha256(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Compares in constant time, so response timing does not reveal the stored hash. */
  public static boolean matches(String secret, String storedSha256) {
    return MessageDigest.isEqual(sha256(secret).getBytes(StandardCharsets.US_ASCII),
        storedSha256.getBytes(StandardCharsets.US_ASCII));
  }
}
