package io.ctistream.simulator.finesse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Non-SSO credentials: HTTP Basic on REST and SASL PLAIN on XMPP check the same user table, and
 * five wrong passwords lock the user for five minutes (§1), measured on the settings' clock.
 * Passwords are compared in constant time and never logged.
 */
final class Credentials {
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

    enum Outcome { OK, BAD, LOCKED, UNKNOWN, MALFORMED }

    record Check(Outcome outcome, SimAgent agent) {
    }

    private final SimCenter center;

    Credentials(SimCenter center) {
        this.center = center;
    }

    /** Checks an {@code Authorization} header; the user may be named by loginId or loginName. */
    Check basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new Check(Outcome.MALFORMED, null);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new Check(Outcome.MALFORMED, null);
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Check(Outcome.MALFORMED, null);
        }
        return check(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    Check check(String name, String password) {
        SimAgent a = center.user(name);
        if (a == null) {
            return new Check(Outcome.UNKNOWN, null);
        }
        if (a.lockedUntil != null && center.now().isBefore(a.lockedUntil)) {
            return new Check(Outcome.LOCKED, a);
        }
        boolean right = MessageDigest.isEqual(a.password.getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        if (right) {
            a.failedLogins = 0;
            a.lockedUntil = null;
            return new Check(Outcome.OK, a);
        }
        a.failedLogins++;
        if (a.failedLogins >= MAX_FAILURES) {
            a.failedLogins = 0;
            a.lockedUntil = center.now().plus(LOCKOUT);
            LOG.info("user locked out after {} wrong passwords [loginId={}, until={}]", MAX_FAILURES, a.id(), a.lockedUntil);
        }
        return new Check(Outcome.BAD, a);
    }
}
