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
 * Verifies the JWTs clients present: HS256 with a shared secret (the single-machine default) or
 * RS256 with a key from an identity provider's JWKS ({@link Jwks}), chosen by the token's
 * {@code kid}. Pure: a token, a clock and the known keys in, the principal or a stable error code
 * out. An RS256 token whose {@code kid} is not known yet is refused with {@code UNKNOWN_KEY}, so
 * the caller can refresh the key set once and try again. Never accepts {@code alg: none}, and an
 * algorithm is only accepted where its key is configured (no HS256 with a public key as secret).
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

    /** RSA public keys by key id (an identity provider's JWKS). */
    public interface KeySource {
        java.security.PublicKey rsaKey(String kid);
    }

    private final byte[] secret;
    private final long leewaySeconds;
    private final KeySource keys;
    private final String audience;
    private final int maxTeams;

    public Jwt(String secret, long leewaySeconds) {
        this(secret, null, null, leewaySeconds);
    }

    public Jwt(String secret, KeySource keys, String audience, long leewaySeconds) {
        this(secret, keys, audience, leewaySeconds, PushLimits.DEFAULTS.maxArrayItems());
    }

    /**
     * @param secret the HS256 secret (at least 32 characters), or null to refuse HS256
     * @param keys RS256 keys by kid, or null to refuse RS256
     * @param audience when set, a token's {@code aud} must name it
     * @param maxTeams teams a token may name (an array of a request like any other: bounded)
     */
    public Jwt(String secret, KeySource keys, String audience, long leewaySeconds, int maxTeams) {
        if (secret != null && secret.length() < 32) {
            throw new IllegalArgumentException("the HS256 secret must be at least 32 characters");
        }
        if (secret == null && keys == null) {
            throw new IllegalArgumentException("an HS256 secret or a JWKS is needed");
        }
        this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.keys = keys;
        this.audience = audience;
        this.leewaySeconds = leewaySeconds;
        this.maxTeams = maxTeams;
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
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Refused("BAD_TOKEN", "the signature is not base64url");
        }
        String signed = parts[0] + "." + parts[1];
        String alg = String.valueOf(header.getValue("alg"));
        if ("HS256".equals(alg) && secret != null) {
            if (!MessageDigest.isEqual(hmac(signed), given)) {
                throw new Refused("BAD_TOKEN", "the signature does not match");
            }
        } else if ("RS256".equals(alg) && keys != null) {
            String kid = header.getValue("kid") == null ? null : String.valueOf(header.getValue("kid"));
            java.security.PublicKey key = kid == null ? null : keys.rsaKey(kid);
            if (key == null) {
                throw new Refused("UNKNOWN_KEY", "the token is signed with a key this service does not know");
            }
            if (!rs256(key, signed, given)) {
                throw new Refused("BAD_TOKEN", "the signature does not match");
            }
        } else {
            throw new Refused("BAD_TOKEN", "tokens signed with " + (secret != null ? "HS256" : "") + (secret != null && keys != null ? " or " : "")
                    + (keys != null ? "RS256" : "") + " are accepted here, not " + alg);
        }
        JsonObject claims = decode(parts[1]);
        try {
            return principal(claims, now);
        } catch (ClassCastException e) {
            throw new Refused("BAD_TOKEN", "a claim of the token has the wrong type");
        }
    }

    private Principal principal(JsonObject claims, Instant now) throws Refused {
        if (audience != null && !audiences(claims).contains(audience)) {
            throw new Refused("BAD_TOKEN", "the token is not meant for this service (audience)");
        }
        Long exp = timeClaim(claims, "exp");
        if (exp == null) {
            throw new Refused("BAD_TOKEN", "the token has no expiry");
        }
        if (now.getEpochSecond() > exp + leewaySeconds) {
            throw new Refused("TOKEN_EXPIRED", "the token expired at " + Instant.ofEpochSecond(exp));
        }
        Long nbf = timeClaim(claims, "nbf");
        if (nbf != null && now.getEpochSecond() < nbf - leewaySeconds) {
            throw new Refused("BAD_TOKEN", "the token is not valid before " + Instant.ofEpochSecond(nbf));
        }
        timeClaim(claims, "iat"); // not judged, but a token carrying nonsense there is not one to trust
        String tenant = stringClaim(claims, "tenant");
        String sub = stringClaim(claims, "sub");
        String agentId = stringClaim(claims, "agentId");
        Role role;
        try {
            role = Role.valueOf(String.valueOf(stringClaim(claims, "role")).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Refused("BAD_TOKEN", "the token's role must be agent, supervisor, wallboard or admin");
        }
        if (tenant == null || sub == null) {
            throw new Refused("BAD_TOKEN", "the token needs a tenant and a subject");
        }
        return new Principal(sub, tenant, role, agentId, teams(claims), Instant.ofEpochSecond(exp));
    }

    /** The {@code teams} claim: an array of at most {@code maxTeams} strings, or absent. */
    private Set<String> teams(JsonObject claims) throws Refused {
        JsonArray teams = claims.getJsonArray("teams", new JsonArray());
        if (teams.size() > maxTeams) {
            throw new Refused("BAD_TOKEN", "the token names more than " + maxTeams + " teams");
        }
        Set<String> out = new java.util.HashSet<>();
        for (Object t : teams) {
            if (!(t instanceof String team)) {
                throw new Refused("BAD_TOKEN", "the token's teams must be strings");
            }
            out.add(team);
        }
        return Set.copyOf(out);
    }

    /** 9999-12-31T23:59:59Z: a time claim beyond it (or before 1970) is no time a token can mean (issue #19). */
    static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    /** A time claim in epoch seconds, range-checked before anything uses it; null when absent. */
    private static Long timeClaim(JsonObject claims, String name) throws Refused {
        Object raw = claims.getValue(name);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > MAX_EPOCH_SECOND || n.doubleValue() != Math.floor(n.doubleValue())) {
            throw new Refused("BAD_TOKEN", "the token's " + name + " claim is not a time in seconds between 1970 and 9999");
        }
        return n.longValue();
    }

    /** Ids are short: a claim longer than this is no id. */
    static final int MAX_ID_CHARS = 256;

    /** A string claim (an id or a name), checked to be one; null when absent. JsonObject would turn a number or an array into text. */
    private static String stringClaim(JsonObject claims, String name) throws Refused {
        Object raw = claims.getValue(name);
        if (raw == null) {
            return null;
        }
        if (!(raw instanceof String s) || s.isEmpty() || s.length() > MAX_ID_CHARS) {
            throw new Refused("BAD_TOKEN", "the token's " + name + " claim must be a string of 1 to " + MAX_ID_CHARS + " characters");
        }
        return s;
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

    private static Set<String> audiences(JsonObject claims) {
        Object aud = claims.getValue("aud");
        if (aud instanceof JsonArray a) {
            return Set.copyOf(a.getList().stream().map(String::valueOf).toList());
        }
        return aud == null ? Set.of() : Set.of(String.valueOf(aud));
    }

    private static boolean rs256(java.security.PublicKey key, String signed, byte[] signature) {
        try {
            java.security.Signature verifier = java.security.Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
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
