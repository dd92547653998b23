package io.ctistream.codec;

import java.io.ByteArrayInputStream;
import java.io.CharArrayReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The one way a codec reads XML: the project's hardened parser ({@link HardenedXml}: no DTD at all,
 * so no external entities and no entity expansion; a depth limit) and a size limit checked before
 * parsing. The prolog's encoding (or a byte-order mark) is honoured: UTF-8 is read by the parser
 * from the bytes, any other encoding decoded here first. Every refusal is a
 * {@link MalformedBodyException}, so a caller counts it as malformed and carries on.
 */
public final class SafeXml {
    /** Larger than any feature, hoteling or dialog body a single user produces. */
    public static final int MAX_BODY_BYTES = 64 * 1024;
    /** How far into a body its XML declaration is looked for: a declaration is some 60 bytes. */
    private static final int PROLOG_SCAN = 256;
    private static final byte[] XML_DECL = "<?xml".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] UTF_8_NAME = "UTF-8".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOM_UTF_8 = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] BOM_UTF_16BE = {(byte) 0xFE, (byte) 0xFF};
    private static final byte[] BOM_UTF_16LE = {(byte) 0xFF, (byte) 0xFE};
    private static final byte[] DECL_UTF_16BE = {0, '<', 0, '?'};
    private static final byte[] DECL_UTF_16LE = {'<', 0, '?', 0};
    private static final byte[] ENCODING = "encoding".getBytes(StandardCharsets.US_ASCII);

    private static final ErrorHandler SILENT = new ErrorHandler() {
        @Override
        public void warning(SAXParseException e) {
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }
    };

    private SafeXml() {
    }

    /** Parses a body of at most {@link #MAX_BODY_BYTES}; anything but a well-formed, DTD-free document within the limits is refused. */
    public static Element parse(byte[] body) {
        return parse(body, MAX_BODY_BYTES);
    }

    /** Parses a body of at most {@code maxBytes}; anything but a well-formed, DTD-free document within the limits is refused. */
    public static Element parse(byte[] body, int maxBytes) {
        if (body == null || body.length == 0) {
            throw new MalformedBodyException("empty body");
        }
        if (body.length > maxBytes) {
            throw new MalformedBodyException("body of " + body.length + " bytes exceeds the limit of " + maxBytes);
        }
        CharBuffer text = decode(body);
        DocumentBuilder builder = HardenedXml.builder();
        try {
            builder.setErrorHandler(SILENT);
            Document doc = builder.parse(text == null ? new InputSource(new ByteArrayInputStream(body))
                    : new InputSource(new CharArrayReader(text.array(), text.arrayOffset() + text.position(), text.remaining())));
            return doc.getDocumentElement();
        } catch (SAXException e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("maxElementDepth")) {
                throw new MalformedBodyException("more than " + HardenedXml.MAX_ELEMENT_DEPTH + " nested elements", e);
            }
            throw new MalformedBodyException("not well-formed XML: " + why, e);
        } catch (IOException e) {
            throw new MalformedBodyException("cannot read XML: " + e.getMessage(), e);
        }
    }

    /**
     * The body as characters when it is not UTF-8, read in the encoding its byte-order mark or its
     * prolog names, as the XML specification's appendix F detects it; null for UTF-8 (no mark and
     * no other encoding named), which the parser reads from the bytes itself. The JDK parser reads
     * bytes through a UTF-8 reader first and, when the prolog names another encoding (BroadWorks
     * declares ISO-8859-1), opens a second reader with an 8 KiB buffer of its own on top: decoding
     * such a body here cuts what a parse allocates to a quarter. Bytes the encoding cannot read are refused.
     */
    static CharBuffer decode(byte[] body) {
        Charset charset;
        int skip = 0;
        if (matches(body, 0, BOM_UTF_16BE)) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (matches(body, 0, BOM_UTF_16LE)) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (matches(body, 0, DECL_UTF_16BE)) {
            charset = StandardCharsets.UTF_16BE;
        } else if (matches(body, 0, DECL_UTF_16LE)) {
            charset = StandardCharsets.UTF_16LE;
        } else {
            charset = declared(body);
        }
        if (charset == null || charset.equals(StandardCharsets.UTF_8)) {
            return null;
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, skip, body.length - skip));
        } catch (CharacterCodingException e) {
            throw new MalformedBodyException("not " + charset.name() + " text, although that is its encoding (" + e + ")", e);
        }
    }

    /**
     * The encoding named by the XML declaration of a body in an ASCII-compatible encoding (after a
     * UTF-8 mark, if any), or null when there is no declaration or it names none.
     */
    private static Charset declared(byte[] body) {
        int at = matches(body, 0, BOM_UTF_8) ? BOM_UTF_8.length : 0;
        if (!matches(body, at, XML_DECL)) {
            return null;
        }
        int end = Math.min(body.length, at + PROLOG_SCAN);
        for (int i = at + XML_DECL.length; i + ENCODING.length < end && !(body[i] == '?' && body[i + 1] == '>'); i++) {
            if (!isSpace(body[i - 1]) || !matches(body, i, ENCODING)) {
                continue;
            }
            int j = i + ENCODING.length;
            while (j < end && isSpace(body[j])) {
                j++;
            }
            if (j >= end || body[j++] != '=') {
                return null;
            }
            while (j < end && isSpace(body[j])) {
                j++;
            }
            if (j >= end || body[j] != '"' && body[j] != '\'') {
                return null;
            }
            byte quote = body[j++];
            int from = j;
            while (j < end && body[j] != quote) {
                j++;
            }
            if (j >= end) {
                return null;
            }
            if (j - from == UTF_8_NAME.length && matchesIgnoringCase(body, from, UTF_8_NAME)) {
                return StandardCharsets.UTF_8; // the usual name, without making a string of it
            }
            String name = new String(body, from, j - from, StandardCharsets.US_ASCII);
            try {
                return Charset.forName(name);
            } catch (IllegalArgumentException e) { // an illegal or unsupported name
                throw new MalformedBodyException("the body's encoding [" + name + "] is not one this JVM reads", e);
            }
        }
        return null;
    }

    private static boolean matchesIgnoringCase(byte[] body, int at, byte[] upper) {
        for (int i = 0; i < upper.length; i++) {
            byte b = body[at + i];
            if (b != upper[i] && !(b >= 'a' && b <= 'z' && b - ('a' - 'A') == upper[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }

    private static boolean matches(byte[] body, int at, byte[] what) {
        if (body.length - at < what.length) {
            return false;
        }
        for (int i = 0; i < what.length; i++) {
            if (body[at + i] != what[i]) {
                return false;
            }
        }
        return true;
    }

    /** The first child element with this local name, whatever its namespace, or null. */
    public static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                return e;
            }
        }
        return null;
    }

    /** All child elements with this local name. */
    public static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(localName(e))) {
                out.add(e);
            }
        }
        return out;
    }

    /** Follows a path of local names; null when any step is missing. */
    public static Element path(Element from, String... localNames) {
        Element at = from;
        for (String name : localNames) {
            at = child(at, name);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    /** The trimmed text of the child, or null when the child is absent or empty. */
    public static String text(Element parent, String localName) {
        Element c = child(parent, localName);
        return c == null ? null : blankToNull(c.getTextContent());
    }

    public static String blankToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.strip();
        return t.isEmpty() ? null : t;
    }

    public static String localName(Element e) {
        String ln = e.getLocalName();
        if (ln != null) {
            return ln;
        }
        String n = e.getNodeName();
        int colon = n.indexOf(':');
        return colon < 0 ? n : n.substring(colon + 1);
    }

    /** Escapes text for an element body. */
    public static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
