package io.ctistream.connector.aes.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.aes.codec.DmccMessage.CstaError;
import io.ctistream.connector.aes.codec.DmccMessage.NegResponse;
import io.ctistream.connector.aes.codec.DmccRequests.AgentRequest;
import io.ctistream.connector.core.testkit.Vector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies the DMCC codecs against the vector files: protocols/aes.md test vectors TV1-TV12 (each
 * piece its own file), the section 5 MonitorStart, the other call events and error shapes, and
 * hostile input. Kinds: {@code request} (the XML a {@link DmccRequests} method writes, compared byte
 * for byte; {@code args: op=…}) and {@code message} (a body read by {@link DmccMessages#parse},
 * rendered as the record's {@code toString}, plus {@code code}, {@code describe} and
 * {@code retriable} lines for errors). {@code args: invoke=…} adds an {@code expect: header …} line:
 * the frame header {@link DmccFraming#encode} writes for the body, in hex.
 */
class DmccCodecVectorsTest {

    static Stream<Vector> vectors() {
        return Vector.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Vector v) {
        String body = new String(v.body(), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        if (v.args().containsKey("invoke")) {
            out.add("header " + hex(Arrays.copyOf(DmccFraming.encode(v.args().get("invoke"), body), DmccFraming.HEADER)));
        }
        if (v.kind().equals("request")) {
            // GIVEN the arguments WHEN the request is written THEN it is the vector's body, byte for byte
            assertThat(encode(v.args())).as(v.description()).isEqualTo(body.stripTrailing());
            assertThat(out).as(v.description()).isEqualTo(v.expect());
        } else {
            // GIVEN the raw body WHEN read THEN it renders as the vector expects
            out.addAll(decode(v.body()));
            assertThat(out).as(v.description()).isEqualTo(v.expect());
        }
    }

    /** Verifies that every protocol test vector and every hostile case has its file: a refactor that drops one fails here. */
    @Test
    void everyTestVectorAndTheHostileOnesArePresent() {
        List<String> files = Vector.all().map(Vector::file).toList();
        for (int i = 1; i <= 12; i++) {
            String prefix = String.format("tv%02d", i);
            assertThat(files).as(prefix).anyMatch(f -> f.startsWith(prefix));
        }
        for (String hostile : List.of("doctype", "entity", "billion-laughs", "oversize", "deep-nesting", "not-xml", "wrong-root")) {
            assertThat(files).as(hostile).anyMatch(f -> f.startsWith("h") && f.contains(hostile));
        }
    }

    /** Verifies that TV1 is 799 XML bytes, as the notes count it (the namespaces written out in full). */
    @Test
    void tv1IsSevenHundredNinetyNineBytes() {
        String tv1 = DmccRequests.startApplicationSession("aes-adapter", "ctiuser", "Secret#1", 60, null,
                List.of(DmccNamespaces.protocolVersion("priv7")), 180);
        assertThat(tv1.getBytes(StandardCharsets.UTF_8)).hasSize(799);
        assertThat(tv1).doesNotContain("\n");
    }

    /** Verifies that a value XML cannot carry, or a missing required one, is the caller's error, naming the value but never showing it. */
    @Test
    void requestValuesAreChecked() {
        assertThatThrownBy(() -> DmccRequests.getDeviceId("CM1", "50\u000101")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extension");
        assertThatThrownBy(() -> DmccRequests.getAgentState(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DmccRequests.startApplicationSession("a", "u", "", 60, null, List.of("v"), 180))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("password is required");
        assertThatThrownBy(() -> DmccRequests.startApplicationSession("a", "u", "p\u0000w", 60, null, List.of("v"), 180))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("p\u0000w");
        assertThatThrownBy(() -> DmccRequests.startApplicationSession("a", "u", "p", 60, null, List.of(), 180))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** Verifies that an AgentRequest never shows its password. */
    @Test
    void agentRequestHidesThePassword() {
        assertThat(new AgentRequest("loggedOn", "7001", "1234", "manualIn", null, false).toString()).doesNotContain("1234").contains("***");
    }

    /** Verifies that a NegResponse without an error, and an unknown error code, still give readable text. */
    @Test
    void errorTextsForUnknownCodes() {
        assertThat(DmccErrors.describe(new NegResponse("StopApplicationSessionNegResponse", null)))
                .isEqualTo("AES refused StopApplicationSession [StopApplicationSessionNegResponse/unspecified]");
        assertThat(DmccErrors.describe(new CstaError("operation", "somethingNew"))).isEqualTo("AES refused the request [operation/somethingNew]");
        assertThat(DmccErrors.describe(new CstaError("brandNew", "x"))).isEqualTo("AES answered with an error [brandNew/x]");
        assertThat(DmccErrors.retriable(new NegResponse("StartApplicationSessionNegResponse", "serverResourcesBusy"))).isTrue();
        assertThat(DmccErrors.retriable(new NegResponse("StartApplicationSessionNegResponse", "invalidApplicationInfo"))).isFalse();
        assertThat(DmccErrors.retriable(new CstaError("performanceManagement", "performanceLimitExceeded"))).isTrue();
    }

    /** Verifies that the list of new call ids handed out cannot be changed. */
    @Test
    void valuesAreImmutable() {
        DmccMessage.CallEvent e = (DmccMessage.CallEvent) DmccMessages.parse(vector("c05").body());
        assertThatThrownBy(() -> e.newCallIds().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    private static Vector vector(String prefix) {
        return Vector.all().filter(v -> v.file().startsWith(prefix)).findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ encoding

    private static String encode(Map<String, String> a) {
        return switch (a.get("op")) {
            case "startApplicationSession" -> DmccRequests.startApplicationSession(a.get("applicationId"), a.get("user"), a.get("password"),
                    Integer.parseInt(a.get("cleanupDelay")), a.get("oldSession"),
                    Arrays.stream(a.get("versions").split(",")).map(s -> DmccNamespaces.protocolVersion(s.substring("E/".length()))).toList(),
                    Integer.parseInt(a.get("duration")));
            case "resetApplicationSessionTimer" -> DmccRequests.resetApplicationSessionTimer(a.get("sessionId"), Integer.parseInt(a.get("duration")));
            case "stopApplicationSession" -> DmccRequests.stopApplicationSession(a.get("sessionId"));
            case "transferMonitorObjects" -> DmccRequests.transferMonitorObjects(a.get("from"), a.get("to"));
            case "systemRegister" -> DmccRequests.systemRegister(a.get("switchName"));
            case "systemStatusResponse" -> DmccRequests.systemStatusResponse();
            case "getDeviceId" -> DmccRequests.getDeviceId(a.get("switchName"), a.get("extension"));
            case "releaseDeviceId" -> DmccRequests.releaseDeviceId(a.get("device"));
            case "monitorStart" -> DmccRequests.monitorStart(a.get("device"));
            case "monitorStop" -> DmccRequests.monitorStop(a.get("crossRefId"));
            case "getAgentState" -> DmccRequests.getAgentState(a.get("device"));
            case "setAgentState" -> DmccRequests.setAgentState(a.get("device"), new AgentRequest(a.get("state"), a.get("agentId"), a.get("password"),
                    a.get("workMode"), a.containsKey("reasonCode") ? Integer.valueOf(a.get("reasonCode")) : null,
                    Boolean.parseBoolean(a.get("enablePending"))));
            default -> throw new IllegalArgumentException("unknown request op " + a.get("op"));
        };
    }

    // ------------------------------------------------------------------ decoding

    /** Reads a body (or a mutation of it); {@code malformed} when the codec refused it. Used by the fuzz test. */
    static List<String> decode(byte[] body) {
        DmccMessage m;
        try {
            m = DmccMessages.parse(body);
        } catch (MalformedBodyException e) {
            return List.of("malformed");
        }
        List<String> out = new ArrayList<>();
        out.add(m.toString());
        if (m instanceof CstaError e) {
            out.add("code " + e.code());
            out.add("describe " + DmccErrors.describe(e));
            out.add("retriable " + DmccErrors.retriable(e));
        } else if (m instanceof NegResponse n) {
            out.add("describe " + DmccErrors.describe(n));
        }
        return out;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(s.isEmpty() ? "" : " ").append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }
}
