package io.ctistream.connector.finesse.codec;

/**
 * A Finesse reason code: {@code id} is the Finesse database ID (what {@code reasonCodeId} names and
 * what a state request sends), {@code code} the CCE/CCX code reports show. Any field may be null;
 * {@code forAll} is null when absent or not a boolean.
 */
public record ReasonCode(String id, String code, String label, String category, Boolean forAll) {
}
