package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JwtTest {
    private static final String SECRET = "a-test-secret-that-is-long-enough-000";
    private final Jwt jwt = new Jwt(SECRET, 30);
    private final Instant now = Instant.parse("2026-11-26T10:00:00Z");

    private JsonObject claims() {
        return new JsonObject().put("sub", "sam").put("tenant", "acme").put("role", "supervisor")
                .put("teams", new JsonArray().add("acme/red")).put("exp", now.plusSeconds(600).getEpochSecond());
    }

    /** Verifies that a token signed with the secret gives its principal. */
    @Test
    void validToken() throws Exception {
        Jwt.Principal p = jwt.verify(jwt.sign(claims()), now);
        assertThat(p.subject()).isEqualTo("sam");
        assertThat(p.role()).isEqualTo(Jwt.Role.SUPERVISOR);
        assertThat(p.teams()).containsExactly("acme/red");
    }

    /** Verifies each refusal and its stable code; no message repeats the secret. */
    @Test
    void refusals() {
        String good = jwt.sign(claims());
        String tampered = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA";
        assertThatThrownBy(() -> jwt.verify(tampered, now)).isInstanceOfSatisfying(Jwt.Refused.class,
                e -> assertThat(e.code()).isEqualTo("BAD_TOKEN"));
        assertThatThrownBy(() -> jwt.verify(good, now.plusSeconds(700))).isInstanceOfSatisfying(Jwt.Refused.class,
                e -> assertThat(e.code()).isEqualTo("TOKEN_EXPIRED"));
        String otherSecret = new Jwt("another-secret-that-is-long-enough-111", 0).sign(claims());
        assertThatThrownBy(() -> jwt.verify(otherSecret, now)).isInstanceOfSatisfying(Jwt.Refused.class,
                e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        assertThatThrownBy(() -> jwt.verify("not-a-jwt", now)).isInstanceOf(Jwt.Refused.class);
        assertThatThrownBy(() -> jwt.verify(jwt.sign(claims().put("role", "root")), now)).isInstanceOf(Jwt.Refused.class);
        String none = "eyJhbGciOiJub25lIn0." + good.split("\\.")[1] + ".";
        assertThatThrownBy(() -> jwt.verify(none, now)).isInstanceOfSatisfying(Jwt.Refused.class,
                e -> assertThat(e.code()).isEqualTo("BAD_TOKEN"));
    }

    /** RS256 keys as an identity provider publishes them: a JWKS document, parsed as the service does. */
    static java.util.Map<String, java.security.PublicKey> jwks(String kid, java.security.KeyPair pair) {
        var pub = (java.security.interfaces.RSAPublicKey) pair.getPublic();
        var enc = java.util.Base64.getUrlEncoder().withoutPadding();
        String doc = new JsonObject().put("keys", new JsonArray()
                .add(new JsonObject().put("kty", "EC").put("kid", "ec-1").put("crv", "P-256"))
                .add(new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
                        .put("n", enc.encodeToString(unsigned(pub.getModulus()))).put("e", enc.encodeToString(unsigned(pub.getPublicExponent()))))).encode();
        return Jwks.parse(doc);
    }

    private static byte[] unsigned(java.math.BigInteger i) {
        byte[] b = i.toByteArray();
        return b[0] == 0 ? java.util.Arrays.copyOfRange(b, 1, b.length) : b;
    }

    static String rs256(java.security.KeyPair pair, String kid, JsonObject claims) throws Exception {
        var enc = java.util.Base64.getUrlEncoder().withoutPadding();
        String head = enc.encodeToString(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid).encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String body = enc.encodeToString(claims.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var signer = java.security.Signature.getInstance("SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update((head + "." + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return head + "." + body + "." + enc.encodeToString(signer.sign());
    }

    static java.security.KeyPair rsa() throws Exception {
        var gen = java.security.KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        return gen.generateKeyPair();
    }

    /** Verifies RS256 through a JWKS: the right key verifies, another key or an unknown kid does not, audience is enforced, no algorithm confusion. */
    @Test
    void rs256ThroughJwks() throws Exception {
        var idp = rsa();
        var forger = rsa();
        var keys = jwks("k1", idp);
        assertThat(keys).containsOnlyKeys("k1"); // the EC key is skipped, not a failure
        Jwt jwt = new Jwt(null, keys::get, "ctistream", 0);
        Instant now = Instant.now();
        JsonObject claims = new JsonObject().put("sub", "kc-user-1").put("tenant", "acme").put("role", "supervisor")
                .put("teams", new JsonArray().add("acme/red")).put("aud", new JsonArray().add("account").add("ctistream"))
                .put("exp", now.getEpochSecond() + 300);
        Jwt.Principal p = jwt.verify(rs256(idp, "k1", claims), now);
        assertThat(p.subject()).isEqualTo("kc-user-1");
        assertThat(p.teams()).containsExactly("acme/red");

        assertThatThrownBy(() -> jwt.verify(rs256(forger, "k1", claims), now)).hasMessageContaining("signature");
        assertThatThrownBy(() -> jwt.verify(rs256(idp, "k2", claims), now))
                .satisfies(e -> assertThat(((Jwt.Refused) e).code()).isEqualTo("UNKNOWN_KEY"));
        assertThatThrownBy(() -> jwt.verify(rs256(idp, "k1", claims.copy().put("aud", "someone-else")), now)).hasMessageContaining("audience");
        // an HS256 token is refused where only the JWKS is configured, whatever secret signed it
        String hs = new Jwt("a-secret-that-is-at-least-32-characters", 0).sign(claims);
        assertThatThrownBy(() -> jwt.verify(hs, now)).hasMessageContaining("not HS256");
        // alg none is never accepted
        var enc = java.util.Base64.getUrlEncoder().withoutPadding();
        String none = enc.encodeToString("{\"alg\":\"none\"}".getBytes()) + "." + enc.encodeToString(claims.encode().getBytes()) + ".";
        assertThatThrownBy(() -> jwt.verify(none, now)).hasMessageContaining("not none");
    }

    /** Regression for issue #19 (3): exp = 1e16 left the connection authenticated after an exception; 1e17 failed otherwise. */
    @Test
    void timeClaimsOutOfRangeAreBadTokens() {
        for (Object bad : new Object[] {1e16, 1e17, 1e30, -5L, 1.5e9 + 0.5, "1700000000"}) {
            assertThatThrownBy(() -> jwt.verify(jwt.sign(claims().put("exp", bad)), now)).as("exp %s", bad)
                    .isInstanceOfSatisfying(Jwt.Refused.class, e -> assertThat(e.code()).isEqualTo("BAD_TOKEN"));
        }
        assertThatThrownBy(() -> jwt.verify(jwt.sign(claims().put("nbf", 1e17)), now))
                .isInstanceOfSatisfying(Jwt.Refused.class, e -> assertThat(e.code()).isEqualTo("BAD_TOKEN"));
    }
}
