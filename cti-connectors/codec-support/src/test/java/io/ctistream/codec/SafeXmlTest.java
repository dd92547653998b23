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

    /** BroadWorks' feature events declare ISO-8859-1; Finesse and DMCC declare UTF-8; either way "é" is read as "é". */
    @Test
    void theEncodingTheBodyDeclaresIsTheOneRead() {
        byte[] latin1 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>Andr\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(latin1).contains((byte) 0xE9);
        assertThat(SafeXml.parse(latin1).getTextContent()).isEqualTo("Andr\u00e9");
        byte[] lower = "<?xml version='1.0' encoding='iso-8859-1' ?><a>Andr\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(SafeXml.parse(lower).getTextContent()).isEqualTo("Andr\u00e9");
        byte[] utf8 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Andr\u00e9</a>".getBytes(StandardCharsets.UTF_8);
        assertThat(SafeXml.parse(utf8).getTextContent()).isEqualTo("Andr\u00e9");
        byte[] undeclared = "<a>Andr\u00e9</a>".getBytes(StandardCharsets.UTF_8);
        assertThat(SafeXml.parse(undeclared).getTextContent()).as("no prolog: UTF-8").isEqualTo("Andr\u00e9");
    }

    /** UTF-8 is left to the parser; any other encoding is decoded first, which spares the parser's second reader. */
    @Test
    void onlyABodyInAnotherEncodingThanUtf8IsDecodedBeforeParsing() {
        assertThat((CharSequence) SafeXml.decode("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>".getBytes(StandardCharsets.ISO_8859_1)))
                .hasToString("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>");
        assertThat((CharSequence) SafeXml.decode("<?xml version=\"1.0\" encoding=\"utf-8\"?><a/>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat((CharSequence) SafeXml.decode("<a/>".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat((CharSequence) SafeXml.decode("<?xml version=\"1.0\"?><a/>".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void aByteOrderMarkNamesTheEncoding() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Andr\u00e9</a>".getBytes(StandardCharsets.UTF_8);
        byte[] utf8 = new byte[bom.length + doc.length];
        System.arraycopy(bom, 0, utf8, 0, bom.length);
        System.arraycopy(doc, 0, utf8, bom.length, doc.length);
        assertThat(SafeXml.parse(utf8).getTextContent()).isEqualTo("Andr\u00e9");
        byte[] utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>Andr\u00e9</a>".getBytes(StandardCharsets.UTF_16); // big-endian, with its mark
        assertThat(SafeXml.parse(utf16).getTextContent()).isEqualTo("Andr\u00e9");
        byte[] utf16le = "\uFEFF<a>Andr\u00e9</a>".getBytes(StandardCharsets.UTF_16LE);
        assertThat(SafeXml.parse(utf16le).getTextContent()).isEqualTo("Andr\u00e9");
    }

    @Test
    void bytesTheDeclaredEncodingCannotReadAreRefused() {
        byte[] notUtf8 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>Andr\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SafeXml.parse(notUtf8)).isInstanceOf(MalformedBodyException.class);
        byte[] unknown = "<?xml version=\"1.0\" encoding=\"x-no-such-charset\"?><a>x</a>".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SafeXml.parse(unknown)).isInstanceOf(MalformedBodyException.class);
        byte[] notAscii = "<?xml version=\"1.0\" encoding=\"US-ASCII\"?><a>Andr\u00e9</a>".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SafeXml.parse(notAscii)).isInstanceOf(MalformedBodyException.class);
    }

    /** {@code <root><e><e>…x…</e></e></root>} with {@code depth} elements in all. */
    static byte[] nested(int depth) {
        StringBuilder b = new StringBuilder("<root>");
        b.append("<e>".repeat(depth - 1)).append('x').append("</e>".repeat(depth - 1)).append("</root>");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
