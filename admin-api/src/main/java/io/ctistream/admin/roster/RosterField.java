package io.ctistream.admin.roster;

import java.util.Arrays;
import java.util.Optional;

/**
 * The fields of a roster file: one per field of {@code AgentProfile}, named as in the schema, so a
 * CSV header, a YAML key and the Avro field read the same. The order is the order of export.
 */
public enum RosterField {
    TENANT("tenant", Kind.TEXT, true),
    AGENT_ID("agentId", Kind.TEXT, true),
    DISPLAY_NAME("displayName", Kind.TEXT, false),
    TEAM_ID("teamId", Kind.TEXT, false),
    QUEUES("queues", Kind.LIST, false),
    PLATFORM("platform", Kind.TEXT, true),
    PLATFORM_USER_ID("platformUserId", Kind.TEXT, true),
    HOTELING_GUEST_ADDRESS("hotelingGuestAddress", Kind.TEXT, false),
    CREDENTIAL_REF("credentialRef", Kind.TEXT, false),
    DEFAULT_NOT_READY_REASON("defaultNotReadyReason", Kind.TEXT, false),
    TIME_ZONE("timeZone", Kind.TEXT, false),
    ATTRIBUTES("attributes", Kind.MAP, false);

    /** What a field holds: text, a list of text (CSV: {@code a;b}) or a text map (CSV: {@code k=v;k=v}). */
    public enum Kind { TEXT, LIST, MAP }

    private final String key;
    private final Kind kind;
    private final boolean required;

    RosterField(String key, Kind kind, boolean required) {
        this.key = key;
        this.kind = kind;
        this.required = required;
    }

    /** The column name in CSV and the key in YAML. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public boolean required() {
        return required;
    }

    /** The field a header or key names, exactly (names are case-sensitive, as in the schema). */
    public static Optional<RosterField> byKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }

    /** The valid keys, for a message naming an unknown one. */
    public static String keys() {
        return String.join(", ", Arrays.stream(values()).map(RosterField::key).toList());
    }
}
