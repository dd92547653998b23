package io.ctistream.connector.aes.codec;

import io.ctistream.connector.aes.codec.DmccMessage.CstaError;
import io.ctistream.connector.aes.codec.DmccMessage.NegResponse;
import java.util.Map;
import java.util.Set;

/**
 * Turns DMCC errors into text a person can act on, and classifies CSTA errors as retriable or
 * permanent (STYLE.md rule 5). The texts name the fix, never a value from the request: no device
 * id beyond what the caller adds, and never a password.
 */
public final class DmccErrors {
    private static final Map<String, String> TEXTS = Map.ofEntries(
            Map.entry("operation/invalidAgentPassword", "the agent id or password was refused by Communication Manager"),
            Map.entry("operation/invalidAgentIdentifier", "Communication Manager does not know this agent id"),
            Map.entry("operation/invalidAgentState", "Communication Manager refused this agent state change in the agent's current state"),
            Map.entry("operation/invalidAgentGroup", "the agent is not in the skill or split named"),
            Map.entry("operation/invalidDeviceID", "AES does not know this device: check the extension and the switch connection name"),
            Map.entry("operation/invalidCallID", "the call no longer exists"),
            Map.entry("operation/invalidConnectionID", "the call's connection no longer exists"),
            Map.entry("operation/invalidMonitorObject", "AES cannot monitor this device"),
            Map.entry("operation/invalidMonitorCrossRefID", "the monitor no longer exists on AES"),
            Map.entry("operation/privilegeViolationSpecifiedDevice",
                    "the CTI user may not control this device: give it the device in the AES Security Database or Unrestricted Access"),
            Map.entry("operation/requestIncompatibleWithDevice", "the device does not support this request"),
            Map.entry("operation/serviceNotSupported", "AES or Communication Manager does not support this request"),
            Map.entry("operation/valueOutOfRange", "a value in the request is out of range (a reason code above 99?)"),
            Map.entry("operation/objectNotKnown", "AES does not know the object named"),
            Map.entry("operation/generic", "AES refused the request without saying why"),
            Map.entry("stateIncompatibility/invalidDeviceState", "the device is not in a state that allows this request"),
            Map.entry("stateIncompatibility/invalidObjectState", "the object is not in a state that allows this request"),
            Map.entry("stateIncompatibility/noActiveCall", "there is no active call to act on"),
            Map.entry("subscribedResourceAvailability/objectMonitorLimitExceeded", "AES's monitor limit is reached"),
            Map.entry("subscribedResourceAvailability/outstandingReqLimitExceeded", "too many requests are outstanding on AES"),
            Map.entry("subscribedResourceAvailability/objectRegistrationLimitExceeded", "AES's registration limit is reached"),
            Map.entry("systemResourceAvailibility/resourceBusy", "the resource is busy on AES or Communication Manager"),
            Map.entry("systemResourceAvailibility/resourceOutOfService",
                    "the resource is out of service: is the AES to Communication Manager link (TSAPI/CTI link) up?"),
            Map.entry("performanceManagement/performanceLimitExceeded", "AES is overloaded"),
            Map.entry("session/invalidApplicationInfo",
                    "AES refused the CTI user's name or password (or the user is not a CT user); repeated attempts may lock the account"),
            Map.entry("session/requestedProtocolVersionNotSupported", "AES supports none of the protocol versions requested"),
            Map.entry("session/serverResourcesBusy", "AES has no resources for a new session now"),
            Map.entry("session/maxNumberSessions", "AES has reached its maximum number of DMCC sessions"),
            Map.entry("session/invalidSessionID", "AES no longer knows the session"),
            Map.entry("session/serverCannotResetSessionTimer", "AES refused to extend the session"));

    private static final Map<String, String> CATEGORIES = Map.of(
            "operation", "AES refused the request",
            "stateIncompatibility", "the request does not fit the device or call state",
            "systemResourceAvailibility", "a resource on AES or Communication Manager is unavailable",
            "subscribedResourceAvailability", "an AES subscription limit is reached",
            "performanceManagement", "AES is overloaded",
            "security", "AES refused the request for security reasons: check the CTI user's rights",
            "privateData", "AES refused the request's private data",
            "unspecified", "AES refused the request without saying why",
            "exception", "AES failed with an internal exception");

    /** Values that say "later may work": busy, overload, outstanding-request limits. */
    private static final Set<String> RETRIABLE_VALUES = Set.of("resourceBusy", "internalResourceBusy", "networkBusy", "resourceOutOfService",
            "networkOutOfService", "overallMonitorLimitExceeded", "outstandingReqLimitExceeded", "performanceLimitExceeded", "serverResourcesBusy", "maxNumberSessions");

    private DmccErrors() {
    }

    /** What went wrong and what to do, followed by the code in brackets, e.g. "AES's monitor limit is reached [subscribedResourceAvailability/objectMonitorLimitExceeded]". */
    public static String describe(CstaError error) {
        String code = error.code();
        String text = TEXTS.get(code);
        if (text == null) {
            text = CATEGORIES.getOrDefault(error.category(), "AES answered with an error");
        }
        return text + " [" + code + "]";
    }

    /** The text for a session NegResponse (StartApplicationSession, ResetApplicationSessionTimer, …). */
    public static String describe(NegResponse neg) {
        String error = neg.error() == null ? "unspecified" : neg.error();
        String text = TEXTS.getOrDefault("session/" + error, "AES refused " + request(neg.localName()));
        return text + " [" + neg.localName() + "/" + error + "]";
    }

    /**
     * True when the same request may succeed later: a busy or overloaded resource, an
     * outstanding-request limit. Operation, security, privilege and state errors are permanent for
     * that request (retrying them, e.g. a refused agent password, only locks accounts).
     */
    public static boolean retriable(CstaError error) {
        String category = error.category();
        if (category.equals("systemResourceAvailibility") || category.equals("performanceManagement")) {
            return true;
        }
        return error.value() != null && RETRIABLE_VALUES.contains(error.value());
    }

    /** True for a NegResponse worth retrying later (busy server), false for refused credentials or versions. */
    public static boolean retriable(NegResponse neg) {
        return neg.error() != null && RETRIABLE_VALUES.contains(neg.error());
    }

    private static String request(String negLocalName) {
        return negLocalName.endsWith("NegResponse") ? negLocalName.substring(0, negLocalName.length() - "NegResponse".length()) : negLocalName;
    }
}
