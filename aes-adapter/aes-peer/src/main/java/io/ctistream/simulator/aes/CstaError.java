package io.ctistream.simulator.aes;

/**
 * A refused request, answered as {@code CSTAErrorCode} with one {@code category/value} child (§8).
 * Thrown by the services and turned into the answer by the router, so a rule reads as a rule.
 */
final class CstaError extends RuntimeException {
    private final String category;
    private final String value;

    CstaError(String category, String value) {
        super(category + "/" + value, null, false, false);
        this.category = category;
        this.value = value;
    }

    static CstaError operation(String value) {
        return new CstaError("operation", value);
    }

    static CstaError state(String value) {
        return new CstaError("stateIncompatibility", value);
    }

    /** The XSD's spelling, "Availibility", matched exactly (§8). */
    static CstaError outOfService() {
        return new CstaError("systemResourceAvailibility", "resourceOutOfService");
    }

    String category() {
        return category;
    }

    String value() {
        return value;
    }
}
