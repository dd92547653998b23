package io.ctistream.webhooks;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/**
 * The CloudEvents types ctistream delivers to CRMs (docs/crm.md). Each names the JSON Schema of its
 * {@code data}, shipped as {@code docs/api/cloudevents/<type>.schema.json} with the same URN as {@code $id}.
 */
public enum CrmEventType {
    /** The agent's canonical state changed (any state, including the one a call put it in). */
    AGENT_STATE_CHANGED("io.ctistream.agent.state.changed"),
    /** A call is alerting at the agent: the screen pop. */
    CALL_OFFERED("io.ctistream.call.offered"),
    /** The agent's call is connected (answered by the agent, or by the far end of an outbound call). */
    CALL_ANSWERED("io.ctistream.call.answered"),
    /** The agent put the call on hold. */
    CALL_HELD("io.ctistream.call.held"),
    /** The agent took the call back from hold. */
    CALL_RETRIEVED("io.ctistream.call.retrieved"),
    /** The call ended for the agent (cleared, failed, transferred away, redirected or replaced). */
    CALL_ENDED("io.ctistream.call.ended"),
    /** The agent left after-call work (WRAP_UP) for another state. */
    WRAPUP_ENDED("io.ctistream.agent.wrapup.ended");

    /** Version of every data schema; a breaking change of a data shape gets a new type version, not an edit. */
    public static final int SCHEMA_VERSION = 1;

    private final String type;

    CrmEventType(String type) {
        this.type = type;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    /** The CloudEvents {@code dataschema} attribute: a URN equal to the {@code $id} of the shipped JSON Schema. */
    public URI dataSchema() {
        return URI.create("urn:ctistream:cloudevents:" + type + ":v" + SCHEMA_VERSION);
    }

    /** File name of the JSON Schema under {@code docs/api/cloudevents/}. */
    public String schemaFile() {
        return type + ".schema.json";
    }

    public static Optional<CrmEventType> byType(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }
}
