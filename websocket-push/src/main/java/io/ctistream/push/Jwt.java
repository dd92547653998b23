package io.ctistream.push;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the JWTs clients present: HS256 with a shared secret (the single-machine default).
 * Pure: a token and a clock in, the principal or a stable error code out. RS256 through a JWKS
 * URL is the next step of issue #5.
 */
public final class Jwt {
    /** Why a token was refused; the code goes to the client as is, never the token or the secret. */
    public static final class Refused extends Exception {
        private final String code;

        Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final byte[] secret;
    private final long leewaySeconds;

    public Jwt(String secret, long leewaySeconds) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("the HS256 secret must be at least 32 characters");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.leewaySeconds = leewaySeconds;
    }

    public Principal verify(String token, Instant now) throws Refused {
        if (token == null || token.isBlank()) {
            throw new Refused("BAD_TOKEN", "no token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new Refused("BAD_TOKEN", "a JWT has three parts");
        }
        JsonObject header = decode(parts[0]);
        if (!"HS256".equals(header.getString("alg"))) {
            throw new Refused("BAD_TOKEN", "only HS256 tokens are accepted here");
        }
        byte[] expected = hmac(parts[0] + "." + parts[1]);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Refused("BAD_TOKEN", "the signature is not base64url");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            throw new Refused("BAD_TOKEN", "the signature does not match");
        }
        JsonObject claims = decode(parts[1]);
        Long exp = claims.getLong("exp");
        if (exp == null) {
            throw new Refused("BAD_TOKEN", "the token has no expiry");
        }
        if (now.getEpochSecond() > exp + leewaySeconds) {
            throw new Refused("TOKEN_EXPIRED", "the token expired at " + Instant.ofEpochSecond(exp));
        }
        String tenant = claims.getString("tenant");
        String sub = claims.getString("sub");
        Role role;
        try {
            role = Role.valueOf(String.valueOf(claims.getString("role")).toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new Refused("BAD_TOKEN", "the token's role must be agent, supervisor, wallboard or admin");
        }
        if (tenant == null || sub == null) {
            throw new Refused("BAD_TOKEN", "the token needs a tenant and a subject");
        }
        JsonArray teams = claims.getJsonArray("teams", new JsonArray());
        return new Principal(sub, tenant, role, claims.getString("agentId"), Set.copyOf(teams.getList().stream().map(String::valueOf).toList()),
                Instant.ofEpochSecond(exp));
    }

    /** Makes a token (the demo's links, tests). */
    public String sign(JsonObject claims) {
        String head = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode());
        String body = b64(claims.encode());
        return head + "." + body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(head + "." + body));
    }

    public enum Role { AGENT, SUPERVISOR, WALLBOARD, ADMIN }

    /** Who is connected: from the token. {@code agentId} and {@code teams} are tenant-qualified ids. */
    public record Principal(String subject, String tenant, Role role, String agentId, Set<String> teams, Instant expiresAt) {
    }

    private static JsonObject decode(String part) throws Refused {
        try {
            return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
            throw new Refused("BAD_TOKEN", "the token is not a JWT");
        }
    }

    private byte[] hmac(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
