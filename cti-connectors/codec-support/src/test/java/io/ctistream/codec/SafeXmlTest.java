package io.ctistream.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Verifies the limits of the project's XML parser: size, depth, DTDs and entities are refused as malformed bodies. */
class SafeXmlTest {

    /** Regression for issue #13: ~7,400 nested elements under the size limit overflowed the stack of the codec walking them. */
    @Test
    void deepNestingUnderTheSizeLimitIsMalformedNotAStackOverflow() {
        // GIVEN a body of 7,400 nested elements, about 52 KB: under the size limit
        byte[] body = nested(7_400);
        assertThat(body.length).isLessThan(SafeXml.MAX_BODY_BYTES);

        // THEN the parser refuses it with a reason a log reader understands
        assertThatThrownBy(() -> SafeXml.parse(body)).isInstanceOf(MalformedBodyException.class)
                .hasMessage("more than " + HardenedXml.MAX_ELEMENT_DEPTH + " nested elements");
    }

    @Test
    void nestingUpToTheLimitParses() {
        Element root = SafeXml.parse(nested(HardenedXml.MAX_ELEMENT_DEPTH - 1));
        assertThat(SafeXml.localName(root)).isEqualTo("root");
        assertThat(root.getTextContent()).isEqualTo("x");
    }

    @Test
    void sizeIsCheckedBeforeParsing() {
        byte[] big = ("<a>" + "x".repeat(100) + "</a>").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> SafeXml.parse(big, 64)).isInstanceOf(MalformedBodyException.class).hasMessageContaining("exceeds the limit of 64");
        assertThat(SafeXml.parse(big, 1024).getTextContent()).hasSize(100);
    }

    @Test
    void dtdsAndEntitiesAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>";
        assertThatThrownBy(() -> SafeXml.parse(xxe.getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("DOCTYPE");
        assertThatThrownBy(() -> SafeXml.parse(new byte[0])).isInstanceOf(MalformedBodyException.class).hasMessage("empty body");
        assertThatThrownBy(() -> SafeXml.parse("<a><b></a>".getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedBodyException.class)
                .hasMessageStartingWith("not well-formed XML");
    }

    /** The tree is built as the body is parsed: the deferred DOM's node tables were most of a NOTIFY's garbage (ADR 033). */
    @Test
    void theTreeIsNotDeferred() throws Exception {
        Element root = SafeXml.parse("<a xmlns='urn:x'><b>1</b><b>2</b></a>".getBytes(StandardCharsets.UTF_8));
        assertThat(root.getOwnerDocument().getClass().getSimpleName()).doesNotContain("Deferred");
        assertThat(HardenedXml.builder().isNamespaceAware()).isTrue();
        assertThat(SafeXml.children(root, "b")).extracting(Element::getTextContent).containsExactly("1", "2");
    }

    /** {@code <root><e><e>…x…</e></e></root>} with {@code depth} elements in all. */
    static byte[] nested(int depth) {
        StringBuilder b = new StringBuilder("<root>");
        b.append("<e>".repeat(depth - 1)).append('x').append("</e>".repeat(depth - 1)).append("</root>");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
