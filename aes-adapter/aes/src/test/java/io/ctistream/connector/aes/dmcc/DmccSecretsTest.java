package io.ctistream.connector.aes.dmcc;

import static io.ctistream.connector.aes.dmcc.Futures.failure;
import static io.ctistream.connector.aes.dmcc.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.ctistream.connector.aes.codec.DmccRequests;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Verifies that no password reaches a log line or a {@code toString}: the CTI user's (refused and
 * accepted), the trust store's and an agent's, with the connector's loggers at TRACE. Also the
 * options' validation.
 */
@Timeout(60)
class DmccSecretsTest {
    static final String AGENT_PASSWORD = "987654";

    /** Verifies that a whole session life at TRACE logs no password. */
    @Test
    void noPasswordInAnyLogLine() {
        // GIVEN every connector log line captured at TRACE
        Logger logger = (Logger) LoggerFactory.getLogger("io.ctistream.connector.aes");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.TRACE);
        Vertx vertx = Vertx.vertx();
        try (FakeDmccServer server = FakeDmccServer.start(vertx)) {
            server.handler = r -> "<CSTAErrorCode xmlns=\"" + FakeDmccServer.E + "\"><operation>invalidAgentPassword</operation></CSTAErrorCode>";
            DmccOptions.Address address = DmccSessionTest.address(server);
            // WHEN a session is refused with a wrong password
            RecordingListener refusedListener = new RecordingListener();
            DmccSession refused = new DmccSession(vertx, DmccOptions.defaults(List.of(address), FakeDmccServer.USER, "Wrong-pw-Zz9").withTls(false),
                    refusedListener);
            join(refused.start());
            refused.abort();
            // AND a session comes up, logs an agent in (refused), drops and recovers, and stops
            RecordingListener listener = new RecordingListener();
            DmccSession session = new DmccSession(vertx, DmccOptions.defaults(List.of(address), FakeDmccServer.USER, FakeDmccServer.PASSWORD)
                    .withTls(false).withReconnect(Duration.ofMillis(20), Duration.ofMillis(100)), listener);
            join(session.start());
            failure(session.request(DmccRequests.setAgentState("5001:CM1::0",
                    new DmccRequests.AgentRequest("loggedOn", "7001", AGENT_PASSWORD, "manualIn", null, false))));
            server.drop();
            await().until(() -> listener.ups.size() == 2);
            join(session.stop());
            // THEN no line, formatted or with its throwable, holds a password
            assertThat(appender.list).isNotEmpty();
            for (ILoggingEvent e : appender.list) {
                String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()));
                assertThat(line).doesNotContain(FakeDmccServer.PASSWORD, "Wrong-pw-Zz9", AGENT_PASSWORD, "393837363534");
            }
            assertThat(refusedListener.refused.get(0)).doesNotContain("Wrong-pw-Zz9");
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(before);
            join(vertx.close());
        }
    }

    /** Verifies that the options' toString hides both passwords and still says whether a trust store password is set. */
    @Test
    void optionsNeverShowPasswords() {
        DmccOptions o = DmccOptions.defaults(List.of(new DmccOptions.Address("aes-a", 4722)), "ctiuser", "Cti-pw-1")
                .withTrustStore("/etc/aes/trust.p12", "Store-pw-2");

        assertThat(o.toString()).doesNotContain("Cti-pw-1", "Store-pw-2").contains("password=***", "trustStorePassword=***", "aes-a:4722");
    }

    /** Verifies the defaults and that bad settings are refused naming the setting, never showing a password. */
    @Test
    void optionsDefaultsAndValidation() {
        DmccOptions o = DmccOptions.defaults(List.of(new DmccOptions.Address("aes-a", 4722)), "ctiuser", "Cti-pw-1");
        assertThat(o.tls()).isTrue();
        assertThat(o.verifyHostname()).isTrue();
        assertThat(o.trustStore()).isNull();
        assertThat(o.cleanupDelaySeconds()).isEqualTo(60);
        assertThat(o.sessionDurationSeconds()).isEqualTo(180);
        assertThat(o.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.reconnectMin()).isEqualTo(Duration.ofMillis(250));
        assertThat(o.reconnectMax()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.maxFrame()).isEqualTo(65535);
        assertThat(o.protocolVersions()).first().isEqualTo("http://www.ecma-international.org/standards/ecma-323/csta/ed3/privC");
        assertThat(o.protocolVersions()).hasSize(7).last().isEqualTo("http://www.ecma-international.org/standards/ecma-323/csta/ed3/priv6");
        assertThatThrownBy(() -> DmccOptions.defaults(List.of(), "u", "p")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmccOptions.defaults(List.of(new DmccOptions.Address("h", 1)), "u", "")).hasMessage("password is required");
        assertThatThrownBy(() -> o.withReconnect(Duration.ofSeconds(5), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DmccOptions.Address("h", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
