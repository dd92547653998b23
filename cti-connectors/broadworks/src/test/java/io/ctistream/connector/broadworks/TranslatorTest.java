package io.ctistream.connector.broadworks;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.broadworks.codec.DialogInfoXml.Dialog;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.DialogState;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.Direction;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.BwAgentState;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallState;
import org.junit.jupiter.api.Test;

/** Verifies the BroadWorks-to-canonical mapping of DESIGN.md section 4. */
class TranslatorTest {

    @Test
    void agentStates() {
        assertThat(Translator.state(BwAgentState.LOGGED_ON)).isEqualTo(AgentState.NOT_READY);
        assertThat(Translator.state(BwAgentState.READY)).isEqualTo(AgentState.READY);
        assertThat(Translator.state(BwAgentState.NOT_READY)).isEqualTo(AgentState.NOT_READY);
        assertThat(Translator.state(BwAgentState.WORKING_AFTER_CALL)).isEqualTo(AgentState.WRAP_UP);
        assertThat(Translator.state(BwAgentState.LOGGED_OFF)).isEqualTo(AgentState.LOGGED_OUT);
        assertThat(Translator.request(AgentState.TALKING)).isNull();
        assertThat(Translator.request(AgentState.WRAP_UP)).isEqualTo(BwAgentState.WORKING_AFTER_CALL);
    }

    @Test
    void dialogStates() {
        assertThat(Translator.callState(dialog(Direction.RECIPIENT, DialogState.EARLY, null, null, false))).isEqualTo(CallState.OFFERED);
        assertThat(Translator.callState(dialog(Direction.INITIATOR, DialogState.TRYING, null, null, false))).isEqualTo(CallState.DIALING);
        assertThat(Translator.callState(dialog(Direction.INITIATOR, DialogState.EARLY, null, null, false))).isEqualTo(CallState.RINGING);
        assertThat(Translator.callState(dialog(Direction.RECIPIENT, DialogState.CONFIRMED, null, null, false))).isEqualTo(CallState.CONNECTED);
        assertThat(Translator.callState(dialog(Direction.RECIPIENT, DialogState.CONFIRMED, null, null, true))).isEqualTo(CallState.HELD);
        assertThat(Translator.callState(dialog(Direction.RECIPIENT, DialogState.TERMINATED, "bye", null, false))).isEqualTo(CallState.ENDED);
        assertThat(Translator.callState(dialog(Direction.INITIATOR, DialogState.TERMINATED, "rejected", 486, false))).isEqualTo(CallState.FAILED);
        assertThat(Translator.callState(dialog(Direction.RECIPIENT, DialogState.TERMINATED, "replaced", null, false))).isEqualTo(CallState.REPLACED);
    }

    @Test
    void parties() {
        assertThat(Translator.party("sip:+15550123@as.example;user=phone")).isEqualTo("+15550123");
        assertThat(Translator.party("tel:+15550123")).isEqualTo("+15550123");
        assertThat(Translator.party("Anonymous")).isEqualTo("Anonymous");
        assertThat(Translator.party(null)).isNull();
    }

    private static Dialog dialog(Direction d, DialogState s, String event, Integer code, boolean localHeld) {
        return new Dialog("d1", "c1", d, s, event, code, null, null, null, localHeld, false);
    }
}
