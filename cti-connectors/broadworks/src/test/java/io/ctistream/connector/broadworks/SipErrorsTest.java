package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.core.Failure;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Verifies the classification of the AS's SIP answers, one case per class of error. */
class SipErrorsTest {

    /** The AS busy, failing over or timing out, or a dialog it forgot: a retry may cure it. */
    @ParameterizedTest
    @ValueSource(ints = {408, 480, 481, 491, 500, 502, 503, 504})
    void transientAnswersAreRetried(int status) {
        Failure f = SipErrors.classify(status, "Whatever");
        assertThat(f.kind()).isEqualTo(Failure.Kind.RETRIABLE);
        assertThat(f.code()).isEqualTo("SIP_" + status);
    }

    /** Credentials refused: never retried, it would lock the account. */
    @ParameterizedTest
    @ValueSource(ints = {401, 407})
    void refusedCredentialsAreNotRetried(int status) {
        Failure f = SipErrors.classify(status, "Unauthorized");
        assertThat(f.kind()).isEqualTo(Failure.Kind.PERMANENT);
        assertThat(f.getMessage()).contains("credentials");
    }

    /** Forbidden (feature not assigned), not found, bad event package, bad request: a retry changes nothing. */
    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 405, 415, 489})
    void refusalsAreNotRetried(int status) {
        assertThat(SipErrors.classify(status, "No").kind()).isEqualTo(Failure.Kind.PERMANENT);
    }

    /** Global failures (6xx) are final everywhere. */
    @ParameterizedTest
    @ValueSource(ints = {600, 603, 606})
    void globalFailuresAreNotRetried(int status) {
        assertThat(SipErrors.classify(status, "Decline").kind()).isEqualTo(Failure.Kind.PERMANENT);
    }
}
