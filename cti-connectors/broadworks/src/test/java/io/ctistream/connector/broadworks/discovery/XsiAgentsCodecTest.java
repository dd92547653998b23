package io.ctistream.connector.broadworks.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.connector.core.testkit.Vector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies the Xsi-Actions agent list and ErrorInfo reader (issue #18, ADR 020) over the
 * {@code a*-xsi-actions-*} vector files: the inferred shapes read, hostile and broken answers
 * refused as a whole with a reason.
 */
class XsiAgentsCodecTest {

    static Stream<Vector> vectors() {
        return Vector.all().filter(v -> v.kind().startsWith("xsi-actions"));
    }

    /** Verifies each vector gives exactly its expected lines (agents in order, or the refusal and its reason). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Vector v) {
        List<String> expected = v.expect().stream().map(l -> new String(l.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8)).toList();
        List<String> out = new ArrayList<>();
        if (v.kind().equals("xsi-actions-error")) {
            XsiAgentsCodec.ErrorInfo e = XsiAgentsCodec.error(v.body());
            out.add(e == null ? "no error info" : "error summary=" + e.summary() + " code=" + e.errorCode());
        } else {
            try {
                List<XsiAgentsCodec.Entry> agents = XsiAgentsCodec.agents(v.body(), SafeXml.MAX_BODY_BYTES);
                out.add("agents=" + agents.size());
                agents.forEach(a -> out.add("agent user=" + a.userId() + " name=" + dash(a.displayName()) + " number=" + dash(a.number())
                        + " ext=" + dash(a.extension())));
            } catch (MalformedBodyException e) {
                out.add("refused");
                assertThat(e.getMessage()).as(v.file()).contains(v.args().getOrDefault("why", "").replace('_', ' '));
            }
        }
        assertThat(out).as(v.description()).isEqualTo(expected);
    }

    /** Verifies that an answer over the limit is refused before it is parsed, naming the limit. */
    @Test
    void anAnswerOverTheLimitIsRefused() {
        byte[] body = ("<Agents xmlns=\"" + XsiAgentsCodec.NAMESPACE + "\"><agentList>"
                + "<agentDetails><userId>a@as.example</userId></agentDetails>".repeat(200) + "</agentList></Agents>").getBytes(StandardCharsets.UTF_8);
        assertThat(XsiAgentsCodec.agents(body, body.length)).hasSize(200);
        assertThatThrownBy(() -> XsiAgentsCodec.agents(body, 4096)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("4096");
    }

    /** Verifies that a body that is no ErrorInfo (empty, HTML, an agent list) gives no error text rather than failing. */
    @Test
    void somethingElseIsNoErrorInfo() {
        assertThat(XsiAgentsCodec.error(new byte[0])).isNull();
        assertThat(XsiAgentsCodec.error("<html/>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(XsiAgentsCodec.error("not xml".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
