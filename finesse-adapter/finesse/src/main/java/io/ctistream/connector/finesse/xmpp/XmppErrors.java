package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.vertx.core.http.UpgradeRejectedException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * Classifies what can end a session or an IQ (STYLE.md §5): a retriable {@link Failure} is worth a
 * new session after a backoff, a permanent one (bad credentials, a wrong endpoint, an untrusted
 * certificate, a resource taken over) is not. The session itself never retries. Codes are stable
 * ({@code XMPP_SASL_NOT_AUTHORIZED}) and messages never carry a secret.
 */
public final class XmppErrors {
    /** SASL conditions (RFC 6120 §6.5) that say "later"; every other one would only repeat, and repeating risks a lockout. */
    private static final Set<String> SASL_RETRIABLE = Set.of("temporary-auth-failure", "aborted");
    /** Stream errors (RFC 6120 §4.9.3) that describe our configuration or a take-over, not a passing outage. */
    private static final Set<String> STREAM_PERMANENT = Set.of("conflict", "host-unknown", "not-authorized", "invalid-namespace",
            "unsupported-version", "improper-addressing", "invalid-from", "unsupported-encoding", "bad-format", "policy-violation");

    private XmppErrors() {
    }

    /** A SASL {@code <failure>}: permanent unless the server says it is temporary. */
    public static Failure sasl(String condition, String text) {
        String message = "authentication refused: " + condition + (text == null ? "" : " (" + text + ")");
        return SASL_RETRIABLE.contains(condition) ? Failure.retriable(code("XMPP_SASL_", condition), message)
                : Failure.permanent(code("XMPP_SASL_", condition), message);
    }

    /** A {@code <stream:error>}. */
    public static Failure stream(String condition, String text) {
        String message = "stream error from the server: " + condition + (text == null ? "" : " (" + text + ")");
        return STREAM_PERMANENT.contains(condition) ? Failure.permanent(code("XMPP_STREAM_", condition), message)
                : Failure.retriable(code("XMPP_STREAM_", condition), message);
    }

    /** An {@code <iq type="error">}: {@code wait} is retriable; {@code cancel}, {@code auth}, {@code modify} and none are not. */
    public static Failure iq(String what, String type, String condition) {
        String c = condition == null ? "undefined-condition" : condition;
        String message = what + " refused: " + c + " (" + (type == null ? "no type" : type) + ")";
        return "wait".equals(type) ? Failure.retriable(code("XMPP_IQ_", c), message) : Failure.permanent(code("XMPP_IQ_", c), message);
    }

    /**
     * Dialling the WebSocket failed. A refused upgrade with a 4xx (a wrong path, a forbidden
     * origin), a server without the {@code xmpp} subprotocol and a TLS failure (an untrusted or
     * misnamed certificate) are permanent; the rest (refused connection, timeout, 5xx, a connection
     * closed during the handshake by an overloaded server) retriable.
     */
    public static Failure connect(Throwable t) {
        if (t instanceof UpgradeRejectedException u) {
            int status = u.getStatus();
            String message = "websocket upgrade refused with HTTP " + status;
            boolean permanent = status >= 400 && status < 500 && status != 408 && status != 429;
            return permanent ? Failure.permanent("XMPP_WS_" + status, message) : Failure.retriable("XMPP_WS_" + status, message);
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SSLException) {
                return Failure.permanent("XMPP_TLS", "tls handshake failed: " + c.getMessage());
            }
            if (c instanceof WebSocketHandshakeException && String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT).contains("subprotocol")) {
                return subprotocol();
            }
        }
        return Failure.retriable("XMPP_CONNECT", "cannot connect: " + t);
    }

    /** A failure as is, anything else as a retriable internal one. */
    static Failure of(Throwable t) {
        return t instanceof Failure f ? f : Failure.retriable("XMPP_INTERNAL", String.valueOf(t));
    }

    static Failure subprotocol() {
        return Failure.permanent("XMPP_WS_SUBPROTOCOL", "the server did not accept the websocket subprotocol xmpp (RFC 7395)");
    }

    static Failure retriable(String code, String message) {
        return Failure.retriable(code, message);
    }

    static Failure permanent(String code, String message) {
        return Failure.permanent(code, message);
    }

    private static String code(String prefix, String condition) {
        StringBuilder b = new StringBuilder(prefix);
        for (char c : condition.toUpperCase(Locale.ROOT).toCharArray()) {
            b.append(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ? c : '_');
        }
        return b.length() > 64 ? b.substring(0, 64) : b.toString();
    }
}
