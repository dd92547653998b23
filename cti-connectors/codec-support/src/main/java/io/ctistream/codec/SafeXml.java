package io.ctistream.codec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * The one way a codec reads XML: the project's hardened parser ({@link HardenedXml}: no DTD at all,
 * so no external entities and no entity expansion; a depth limit) and a size limit checked before
 * parsing. The prolog's encoding is honoured because the parser is given bytes. Every refusal is a
 * {@link MalformedBodyException}, so a caller counts it as malformed and carries on.
 */
public final class SafeXml {
    /** Larger than any feature, hoteling or dialog body a single user produces. */
    public static final int MAX_BODY_BYTES = 64 * 1024;

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
        DocumentBuilder builder = HardenedXml.builder();
        try {
            builder.setErrorHandler(SILENT);
            Document doc = builder.parse(new ByteArrayInputStream(body));
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
