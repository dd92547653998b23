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
}
