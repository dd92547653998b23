package io.ctistream.connector.finesse.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.codec.MalformedBodyException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code GET /finesse/api/Team/{id}}: the Team object as Cisco's REST guide shows it, and its variations. */
class FinesseTeamCodecTest {

    private static FinesseTeam team(String xml) {
        return FinesseRestCodec.team(xml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theGuidesTeamObject() {
        FinesseTeam t = team("""
                <Team>
                   <uri>/finesse/api/Team/34</uri>
                   <id>34</id>
                   <name>My Team</name>
                   <users>
                      <User>
                         <uri>/finesse/api/User/1234/</uri>
                         <loginId>1234</loginId>
                         <firstName>Charles</firstName>
                         <lastName>Brown</lastName>
                         <dialogs>/finesse/api/User/1234/Dialogs</dialogs>
                         <extension>1001001</extension>
                         <pendingState></pendingState>
                         <state>LOGOUT</state>
                         <stateChangeTime>2012-03-01T17:58:21.345Z</stateChangeTime>
                      </User>
                      <User>
                         <uri>/finesse/api/User/1235/</uri>
                         <loginId>1235</loginId>
                         <firstName>Jack</firstName>
                         <lastName>Brawn</lastName>
                         <extension>1001002</extension>
                         <state>NOT_READY</state>
                         <reasonCode><category>NOT_READY</category><code>12</code><label>Lunch Break</label><id>1</id></reasonCode>
                      </User>
                   </users>
                </Team>""");

        assertThat(t.id()).isEqualTo("34");
        assertThat(t.name()).isEqualTo("My Team");
        assertThat(t.users()).containsExactly(
                new FinesseTeam.Member("1234", "Charles", "Brown", "1001001", FinesseState.LOGOUT),
                new FinesseTeam.Member("1235", "Jack", "Brawn", "1001002", FinesseState.NOT_READY));
        assertThat(t.users().get(0).displayName()).isEqualTo("Charles Brown");
    }

    @Test
    void idsComeFromTheUrisWhenMissingAndCaseDoesNotMatter() {
        FinesseTeam t = team("<team><URI>/finesse/api/Team/5005</URI><USERS><user><uri>/finesse/api/User/77/</uri><lastName>Solo</lastName>"
                + "</user></USERS></team>");

        assertThat(t.id()).isEqualTo("5005");
        assertThat(t.name()).isNull();
        assertThat(t.users()).singleElement().satisfies(m -> {
            assertThat(m.loginId()).isEqualTo("77");
            assertThat(m.displayName()).isEqualTo("Solo");
            assertThat(m.extension()).isNull();
            assertThat(m.state()).isEqualTo(FinesseState.UNKNOWN);
        });
    }

    @Test
    void aTeamWithoutUsersIsEmpty() {
        assertThat(team("<Team><id>9</id><name>Night</name><users/></Team>").users()).isEmpty();
        assertThat(team("<Team><id>9</id></Team>").users()).isEmpty();
    }

    @Test
    void whatIsNotATeamIsMalformed() {
        assertThatThrownBy(() -> team("<User><loginId>1</loginId></User>")).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> team("<Team><name>x</name></Team>")).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("without id");
        assertThatThrownBy(() -> team("<Team><id>1</id><users><User><firstName>A</firstName></User></users></Team>"))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("user without loginId");
        assertThatThrownBy(() -> team("<!DOCTYPE Team [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Team><id>&x;</id></Team>"))
                .isInstanceOf(MalformedBodyException.class);
    }
}
