package io.ctistream.connector.finesse;

import io.ctistream.connector.core.ErrorClassifier;
import io.ctistream.connector.core.Failure;

/**
 * What a Finesse status means to the connector (protocols/finesse.md §4): a 401 is never retried
 * (five bad sign-ins lock the user out for five minutes), a 503 is retried while the node is out of
 * service (fail-over, start-up), other 5xx and network failures are retried, other 4xx are not.
 */
final class FinesseErrors {
    private FinesseErrors() {
    }

    static Failure of(int status, String detail) {
        String code = "FINESSE_" + status;
        String message = "finesse answered " + status + (detail == null || detail.isBlank() ? "" : ": " + detail);
        if (status == 401 || status == 403 || status == 404 || (status >= 400 && status < 500 && status != 408 && status != 429)) {
            return Failure.permanent(code, message);
        }
        return Failure.retriable(code, message);
    }

    /** A failure that never reached an answer (refused, reset, timed out): retriable. */
    static Failure network(Throwable cause) {
        return Failure.retriable("FINESSE_UNREACHABLE", "finesse unreachable: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
    }
}
