package io.ctistream.connector.broadworks.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.connector.core.testkit.Vector;
import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.Dialog;
import io.ctistream.connector.broadworks.codec.DialogInfoXml.DialogInfo;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.AgentStateEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.BwAgentState;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.DndEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.FeatureEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.ForwardingEvent;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.ForwardingType;
import io.ctistream.connector.broadworks.codec.FeatureEventXml.Unknown;
import io.ctistream.connector.broadworks.codec.HotelingXml.HotelingEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Verifies every codec against the vector files, including protocols/broadworks.md section 9 and hostile input. */
class CodecVectorsTest {

    static Stream<Vector> vectors() {
        return Vector.all().filter(v -> !v.kind().startsWith("xsi-")); // the Xsi-Events stream has its own test (XsiStreamVectorsTest)
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Vector v) {
        switch (v.kind()) {
            case "set-hoteling", "set-agent-state", "set-dnd", "set-forwarding" ->
                    assertThat(new String(encode(v), StandardCharsets.ISO_8859_1))
                            .isEqualTo(new String(v.body(), StandardCharsets.ISO_8859_1));
            default -> {
                assertThat(decode(v, v.body())).as(v.description()).isEqualTo(v.expect());
                if (v.contentType() != null && Multipart.isMultipart(v.contentType())) {
                    // the same document with CRLF line ends, as it arrives from most stacks
                    byte[] crlf = new String(v.body(), StandardCharsets.ISO_8859_1).replace("\n", "\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1);
                    assertThat(decode(v, crlf)).as(v.description() + " with CRLF").isEqualTo(v.expect());
                }
            }
        }
    }

    /** Verifies that the hostile-input vectors exist: a refactor that drops them must fail here. */
    @Test
    void everySectionNineVectorAndTheHostileOnesArePresent() {
        List<String> files = Vector.all().map(Vector::file).toList();
        for (String prefix : List.of("v01", "v02", "v03a", "v03b", "v04", "v05", "v06", "v07", "v08", "v09", "v10c",
                "v10d", "h01", "h02", "h03")) {
            assertThat(files).anyMatch(f -> f.startsWith(prefix + "-"));
        }
    }

    /** Verifies that a 1 MB body is refused by size before any parsing, for every package. */
    @Test
    void oneMegabyteBodyIsRefused() {
        byte[] big = new byte[1024 * 1024];
        Arrays.fill(big, (byte) 'a');
        byte[] head = "<HotelingEvent><guestAddress>".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, big, 0, head.length);
        assertThatThrownBy(() -> HotelingXml.decode(big)).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> FeatureEventXml.decode(FeatureEventXml.CONTENT_TYPE, big))
                .isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> DialogInfoXml.decode(big)).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> FeatureEventXml.decode("multipart/mixed;boundary=x", big))
                .isInstanceOf(MalformedBodyException.class);
    }

    /** Verifies the digest answer of V3 and that a missing password does not throw. */
    @Test
    void hotelingDigest() {
        assertThat(HotelingXml.digest("7f3a9c21e4", "4321")).isEqualTo("9739924e6f28e97f1b9da0ba93ba9bec");
        assertThat(HotelingXml.digest("n", null)).hasSize(32);
    }

    /** Verifies that a quoted boundary and a preamble before the first boundary are understood. */
    @Test
    void quotedBoundaryAndPreamble() {
        String body = "this is a preamble\r\n--b\"1\r\nContent-Type: application/x-as-feature-event+xml\r\n\r\n"
                + "<AgentReadyEvent/>\r\n--b\"1--\r\n";
        assertThatThrownBy(() -> Multipart.parse("multipart/mixed; boundary=\"\"", body.getBytes(StandardCharsets.ISO_8859_1)))
                .isInstanceOf(MalformedBodyException.class);
        String ok = "preamble\r\n--abc\r\nContent-Type: application/x-as-feature-event+xml\r\n\r\n<AgentReadyEvent/>\r\n--abc--";
        List<FeatureEvent> events = FeatureEventXml.decode("multipart/mixed; boundary=\"abc\"", ok.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(events).containsExactly(new AgentStateEvent(BwAgentState.READY, null));
    }

    private static byte[] encode(Vector v) {
        Map<String, String> a = v.args();
        return switch (v.kind()) {
            case "set-hoteling" -> a.containsKey("nonce")
                    ? HotelingXml.setHoteling(a.get("guest"), a.get("nonce"), a.get("password"))
                    : HotelingXml.setHoteling(a.get("guest"));
            case "set-agent-state" -> FeatureEventXml.setAgentState(bwState(a.get("state")), a.get("reason"));
            case "set-dnd" -> FeatureEventXml.setDoNotDisturb(a.get("device"), Boolean.parseBoolean(a.get("on")));
            case "set-forwarding" -> FeatureEventXml.setForwarding(a.get("device"), ForwardingType.ofXml(a.get("type")),
                    Boolean.parseBoolean(a.get("on")), a.get("to"), null);
            default -> throw new IllegalArgumentException(v.kind());
        };
    }

    private static BwAgentState bwState(String requestValue) {
        for (BwAgentState s : BwAgentState.values()) {
            if (s.requestValue.equals(requestValue)) {
                return s;
            }
        }
        throw new IllegalArgumentException(requestValue);
    }

    static List<String> decode(Vector v, byte[] body) {
        try {
            return switch (v.kind()) {
                case "hoteling-notify" -> List.of(render(HotelingXml.decode(body)));
                case "feature-notify" -> FeatureEventXml.decode(v.contentType(), body).stream().map(CodecVectorsTest::render).toList();
                case "dialog-notify" -> render(DialogInfoXml.decode(body));
                default -> throw new IllegalArgumentException("unknown vector kind " + v.kind());
            };
        } catch (MalformedBodyException e) {
            return List.of("malformed");
        }
    }

    private static String render(HotelingEvent e) {
        return "guest=" + dash(e.guestAddress()) + " nonce=" + dash(e.nonce()) + " expires=" + dash(e.expires());
    }

    private static String render(FeatureEvent e) {
        if (e instanceof AgentStateEvent a) {
            String state = switch (a.state()) {
                case LOGGED_ON -> "LOGGED_ON";
                case READY -> "READY";
                case NOT_READY -> "NOT_READY";
                case WORKING_AFTER_CALL -> "WORKING_AFTER_CALL";
                case LOGGED_OFF -> "LOGGED_OFF";
            };
            return "agent " + state + " reason=" + dash(a.reason());
        } else if (e instanceof DndEvent d) {
            return "dnd " + (d.on() ? "on" : "off");
        } else if (e instanceof ForwardingEvent f) {
            return "forwarding " + f.type() + " " + (f.on() ? "on" : "off") + " to=" + dash(f.forwardTo()) + " rings="
                    + dash(f.ringCount());
        } else if (e instanceof Unknown u) {
            return "unknown " + u.root();
        }
        throw new IllegalStateException();
    }

    private static List<String> render(DialogInfo info) {
        List<String> out = new ArrayList<>();
        out.add("version=" + info.version() + " full=" + info.full() + " dialogs=" + info.dialogs().size());
        for (Dialog d : info.dialogs()) {
            String line = "dialog call=" + d.stableCallId() + " " + d.direction() + " " + d.state() + " local="
                    + dash(d.localIdentity()) + " remote=" + dash(d.remoteIdentity()) + " display=" + dash(d.remoteDisplay())
                    + " held=" + (d.localHeld() ? "yes" : "no") + "/" + (d.remoteHeld() ? "yes" : "no");
            if (d.event() != null || d.code() != null) {
                line += " event=" + dash(d.event()) + " code=" + dash(d.code());
            }
            out.add(line);
        }
        return out;
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }
}
