package io.ctistream.connector.broadworks.xsi;

import io.ctistream.connector.core.Failure;

/**
 * Xsi HTTP answers classified (STYLE.md 5): 401 and 403 are permanent (bad credentials, no Xsi or
 * no call center for this user: retrying locks accounts and changes nothing), 404 on a channel or
 * subscription is retriable (it is gone: open or subscribe again), 408, 429 and 5xx are retriable,
 * any other 4xx is permanent.
 */
final class XsiErrors {
    private XsiErrors() {
    }

    static Failure classify(int status, String what) {
        String code = "XSI_" + status;
        if (status == 401 || status == 403) {
            return Failure.permanent(code, what + " refused (" + status + "): check the Xsi user and password and that the user may use Xsi-Events");
        }
        if (status == 404 || status == 408 || status == 429 || status >= 500) {
            return Failure.retriable(code, what + " answered " + status);
        }
        return Failure.permanent(code, what + " answered " + status);
    }
}
