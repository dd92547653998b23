package io.ctistream.connector.broadworks;

import io.ctistream.connector.core.ErrorClassifier;
import io.ctistream.connector.core.Failure;

/**
 * BroadWorks' SIP final responses (3xx–6xx) classified: what a retry may cure (the AS busy or
 * failing over, a timeout, a dialog the AS forgot) against what it will not (credentials, a feature
 * not assigned, an unknown user or package, a global refusal). The code of the failure is
 * {@code SIP_<status>}.
 */
final class SipErrors implements ErrorClassifier<SipErrors.Answer> {
    static final SipErrors INSTANCE = new SipErrors();

    /** A final response: its status and reason phrase. */
    record Answer(int status, String phrase) {
    }

    static Failure classify(int status, String phrase) {
        return INSTANCE.classify(new Answer(status, phrase));
    }

    @Override
    public Failure classify(Answer a) {
        String code = "SIP_" + a.status();
        String message = "the AS answered " + a.status() + (a.phrase() == null ? "" : " " + a.phrase());
        return switch (a.status()) {
            // 408 timeout, 480 temporarily unavailable, 481 the AS forgot the dialog, 491 request pending: try again
            case 408, 480, 481, 491 -> Failure.retriable(code, message);
            // credentials: retrying locks accounts
            case 401, 407 -> Failure.permanent(code, "the AS refused the credentials (" + a.status() + ")");
            default -> a.status() >= 500 && a.status() < 600 ? Failure.retriable(code, message) : Failure.permanent(code, message);
        };
    }
}
