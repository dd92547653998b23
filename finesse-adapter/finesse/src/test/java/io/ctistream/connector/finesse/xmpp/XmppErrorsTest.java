package io.ctistream.connector.finesse.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.core.Failure;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.vertx.core.http.UpgradeRejectedException;
import java.net.ConnectException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Verifies the classification of every way a session or an IQ can fail (STYLE.md §5: one test per class). */
class XmppErrorsTest {
    /** Verifies that refused credentials are permanent (never retried: lockout risk) and a temporary failure retriable. */
    @Test
    void saslConditions() {
        assertThat(XmppErrors.sasl("not-authorized", null)).satisfies(permanent("XMPP_SASL_NOT_AUTHORIZED"));
        assertThat(XmppErrors.sasl("account-disabled", "locked")).satisfies(permanent("XMPP_SASL_ACCOUNT_DISABLED"));
        assertThat(XmppErrors.sasl("temporary-auth-failure", null)).satisfies(retriable("XMPP_SASL_TEMPORARY_AUTH_FAILURE"));
    }

    /** Verifies that a take-over or a misaddressed stream is permanent, a shutdown retriable. */
    @Test
    void streamConditions() {
        assertThat(XmppErrors.stream("conflict", "Replaced by new connection")).satisfies(permanent("XMPP_STREAM_CONFLICT"));
        assertThat(XmppErrors.stream("host-unknown", null)).satisfies(permanent("XMPP_STREAM_HOST_UNKNOWN"));
        assertThat(XmppErrors.stream("system-shutdown", null)).satisfies(retriable("XMPP_STREAM_SYSTEM_SHUTDOWN"));
        assertThat(XmppErrors.stream("connection-timeout", null)).satisfies(retriable("XMPP_STREAM_CONNECTION_TIMEOUT"));
    }

    /** Verifies that an iq error of type wait is retriable and the others permanent. */
    @Test
    void iqErrorTypes() {
        assertThat(XmppErrors.iq("subscribe to /n", "wait", "resource-constraint")).satisfies(retriable("XMPP_IQ_RESOURCE_CONSTRAINT"));
        assertThat(XmppErrors.iq("subscribe to /n", "cancel", "item-not-found")).satisfies(permanent("XMPP_IQ_ITEM_NOT_FOUND"));
        assertThat(XmppErrors.iq("subscribe to /n", "auth", "forbidden")).satisfies(permanent("XMPP_IQ_FORBIDDEN"));
        assertThat(XmppErrors.iq("bind", null, null)).satisfies(permanent("XMPP_IQ_UNDEFINED_CONDITION"));
    }

    /** Verifies dialling failures: network retriable; 4xx, TLS and a missing subprotocol permanent; 5xx retriable. */
    @Test
    void dialFailures() {
        assertThat(XmppErrors.connect(new ConnectException("Connection refused"))).satisfies(retriable("XMPP_CONNECT"));
        assertThat(XmppErrors.connect(new UpgradeRejectedException("no", 404, null, null))).satisfies(permanent("XMPP_WS_404"));
        assertThat(XmppErrors.connect(new UpgradeRejectedException("no", 503, null, null))).satisfies(retriable("XMPP_WS_503"));
        assertThat(XmppErrors.connect(new UpgradeRejectedException("no", 429, null, null))).satisfies(retriable("XMPP_WS_429"));
        assertThat(XmppErrors.connect(new IllegalStateException(new SSLHandshakeException("PKIX path building failed")))).satisfies(permanent("XMPP_TLS"));
        assertThat(XmppErrors.connect(new WebSocketClientHandshakeException("Invalid subprotocol. Actual: null. Expected one of: xmpp")))
                .satisfies(permanent("XMPP_WS_SUBPROTOCOL"));
        // seen when 2,000 sessions dial Prosody at once: an overloaded server, not a wrong one
        assertThat(XmppErrors.connect(new WebSocketClientHandshakeException("Connection closed while handshake in process")))
                .satisfies(retriable("XMPP_CONNECT"));
    }

    /** Verifies that codes stay short and upper-case whatever the server sends as a condition. */
    @Test
    void codesAreSanitised() {
        assertThat(XmppErrors.stream("weird<condition>" + "x".repeat(100), null).code()).matches("[A-Z0-9_]{1,64}");
    }

    private static java.util.function.Consumer<Failure> permanent(String code) {
        return f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.retriable()).as("permanent").isFalse();
        };
    }

    private static java.util.function.Consumer<Failure> retriable(String code) {
        return f -> {
            assertThat(f.code()).isEqualTo(code);
            assertThat(f.retriable()).as("retriable").isTrue();
        };
    }
}
