package io.ctistream.simulator.finesse;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Verifies the payload writer: TV1's shape by default and the variations of §6/§8.6 on request. No sockets. */
class NotificationsTest {
    private static SimAgent agent() {
        SimAgent a = new SimAgent(UserSpec.agent("1234", "secret", "1001", "5005", "Sales"));
        a.state = "NOT_READY";
        a.extension = "1001";
        a.reasonCodeId = 16;
        a.stateChangeTime = Instant.parse("2023-01-13T11:07:11.466Z");
        return a;
    }

    private static ReasonCode reason(int id) {
        return id == 16 ? new ReasonCode(16, "NOT_READY", 10, "Team Meeting") : null;
    }

    /** Verifies the captured default: data first, PUT, lower-case user, the requestId, the ReasonCode with its label (TV1, TV2). */
    @Test
    void defaultIsTheCapturedShape() {
        Notifications n = new Notifications();
        String xml = n.update("PUT", "7f1c-01", "/finesse/api/User/1234", Notifications.user(agent(), NotificationsTest::reason, n.objectName("user")));
        assertThat(xml).startsWith("<Update><data><user><dialogs>/finesse/api/User/1234/Dialogs</dialogs><extension>1001</extension>")
                .endsWith("</user></data><event>PUT</event><requestId>7f1c-01</requestId><source>/finesse/api/User/1234</source></Update>")
                .contains("<stateChangeTime>2023-01-13T11:07:11.466Z</stateChangeTime>")
                .contains("<ReasonCode><category>NOT_READY</category><code>10</code>")
                .contains("<label>Team Meeting</label>");
    }

    /** Verifies that every variation can be had: lower-case put, capital User, no requestId, and a different order per seed. */
    @Test
    void variationsAreOnRequest() {
        Notifications n = new Notifications();
        n.style(NotificationStyle.varied(7));
        String xml = n.update("PUT", "r", "/finesse/api/User/1234", Notifications.user(agent(), NotificationsTest::reason, n.objectName("user")));
        Element root = SafeXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        assertThat(SafeXml.text(root, "event")).isEqualTo("put");
        assertThat(SafeXml.child(root, "requestId")).isNull();
        assertThat(SafeXml.path(root, "data", "User")).isNotNull();
        List<String> orders = new ArrayList<>();
        for (long seed = 1; seed <= 5; seed++) {
            n.style(new NotificationStyle(false, false, true, false, seed));
            Element u = SafeXml.parse(n.update("PUT", "r", "/s", Notifications.user(agent(), NotificationsTest::reason, "user"))
                    .getBytes(StandardCharsets.UTF_8));
            orders.add(SafeXml.localName((Element) u.getFirstChild()));
        }
        assertThat(new java.util.HashSet<>(orders)).as("first elements over five seeds").hasSizeGreaterThan(1);
    }

    /** Verifies that text is escaped wherever it goes, so a label with markup cannot break the payload. */
    @Test
    void textIsEscaped() {
        String xml = XmlEl.el("ReasonCodes").attr("category", "A\"B").add("label", "<b>&").xml();
        assertThat(xml).isEqualTo("<ReasonCodes category=\"A&quot;B\"><label>&lt;b&gt;&amp;</label></ReasonCodes>");
        assertThat(Notifications.apiErrorsSync("Invalid Input", "a < b", "x")).contains("<ErrorMessage>a &lt; b</ErrorMessage>");
    }
}
