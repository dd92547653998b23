package io.ctistream.connector.finesse.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.w3c.dom.Attr;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Lenient reading of Finesse XML on top of {@link SafeXml}: Finesse varies the case of element
 * names ({@code <user>}/{@code <User>}, {@code apiErrors}/{@code ApiErrors}) and their order, so
 * children are found by local name ignoring case, wherever they sit among their siblings.
 */
final class FinesseXml {
    /** Larger than any Finesse document one agent produces (a User, a Dialogs list, a Team). */
    static final int MAX_BYTES = 256 * 1024;

    private FinesseXml() {
    }

    /** Parses text (a notification payload) after dropping an XML declaration, since the text is re-encoded as UTF-8. */
    static Element parse(String text) {
        if (text == null) {
            throw new MalformedBodyException("empty body");
        }
        if (text.length() > MAX_BYTES) {
            throw new MalformedBodyException("body of " + text.length() + " characters exceeds the limit of " + MAX_BYTES);
        }
        String t = text.strip();
        if (t.startsWith("<?xml")) {
            int end = t.indexOf("?>");
            t = end < 0 ? t : t.substring(end + 2);
        }
        return SafeXml.parse(t.getBytes(StandardCharsets.UTF_8), MAX_BYTES);
    }

    /** True when the bytes are XML whitespace only (a keepalive, an empty body). */
    static boolean blank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\t' && x != '\r' && x != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Parses a document and checks its root's local name, ignoring case. */
    static Element root(byte[] body, String expected) {
        return expect(SafeXml.parse(body, MAX_BYTES), expected);
    }

    static Element expect(Element root, String expected) {
        if (!is(root, expected)) {
            throw new MalformedBodyException("expected <" + expected + "> but the root is <" + SafeXml.localName(root) + ">");
        }
        return root;
    }

    static boolean is(Element e, String localName) {
        return e != null && localName.equalsIgnoreCase(SafeXml.localName(e));
    }

    /** The first child element with this local name, ignoring case, or null. */
    static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && is(e, localName)) {
                return e;
            }
        }
        return null;
    }

    /** All child elements with this local name, ignoring case; empty when the parent is null. */
    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        if (parent == null) {
            return out;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && is(e, localName)) {
                out.add(e);
            }
        }
        return out;
    }

    /** The first child element, whatever its name, or null. */
    static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    /** The trimmed text of the child (local name, any case), or null when absent or blank. */
    static String text(Element parent, String localName) {
        Element c = child(parent, localName);
        return c == null ? null : SafeXml.blankToNull(c.getTextContent());
    }

    /** Upper-case text of the child (for enum-like values), or null. */
    static String upper(Element parent, String localName) {
        String t = text(parent, localName);
        return t == null ? null : t.toUpperCase(Locale.ROOT);
    }

    /** The text of {@code <localName>/<host>}, the shape of {@code primaryNode}, or null. */
    static String host(Element parent, String localName) {
        return text(child(parent, localName), "host");
    }

    /** The last path segment of a resource URI ({@code /finesse/api/ReasonCode/16} is 16), or null. */
    static String lastSegment(String uri) {
        if (uri == null) {
            return null;
        }
        String u = uri.strip();
        int query = u.indexOf('?');
        if (query >= 0) {
            u = u.substring(0, query);
        }
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return SafeXml.blankToNull(u.substring(u.lastIndexOf('/') + 1));
    }

    /**
     * Writes an element back as text (the {@code <Update>} of a notification that carries it as
     * child elements instead of escaped text): local names, attributes other than namespace
     * declarations, text escaped. Depth is bounded by the parser's depth limit.
     */
    static String serialize(Element e) {
        StringBuilder b = new StringBuilder(1024);
        write(e, b);
        return b.toString();
    }

    private static void write(Element e, StringBuilder b) {
        String name = SafeXml.localName(e);
        b.append('<').append(name);
        NamedNodeMap attrs = e.getAttributes();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            String an = a.getName();
            if (!an.equals("xmlns") && !an.startsWith("xmlns:")) {
                String local = a.getLocalName() == null ? an : a.getLocalName();
                b.append(' ').append(local).append("=\"").append(SafeXml.escape(a.getValue())).append('"');
            }
        }
        b.append('>');
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                write(c, b);
            } else if (n.getNodeType() == Node.TEXT_NODE || n.getNodeType() == Node.CDATA_SECTION_NODE) {
                b.append(SafeXml.escape(n.getNodeValue()));
            }
        }
        b.append("</").append(name).append('>');
    }
}
