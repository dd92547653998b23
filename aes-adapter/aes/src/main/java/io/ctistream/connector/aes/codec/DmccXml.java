package io.ctistream.connector.aes.codec;

import io.ctistream.codec.SafeXml;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Reading DMCC XML by local name only: AES answers with {@code ns1:} prefixes, {@code xsi:type}
 * and, for private data, Avaya's namespace inside CSTA elements, so neither prefixes nor
 * namespaces are relied on.
 */
final class DmccXml {
    private DmccXml() {
    }

    /** The trimmed text of the child, or null. */
    static String text(Element parent, String localName) {
        return parent == null ? null : SafeXml.text(parent, localName);
    }

    static Element child(Element parent, String localName) {
        return parent == null ? null : SafeXml.child(parent, localName);
    }

    /** The first child element, whatever its name, or null. */
    static Element firstElement(Element parent) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    static int elementCount(Element parent) {
        int n = 0;
        for (Node c = parent.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element) {
                n++;
            }
        }
        return n;
    }

    /**
     * A device field of ECMA-323's choice types: {@code <deviceIdentifier>} or {@code <numberDialed>}
     * (TV9 and one client disagree on which {@code lastRedirectionDevice} carries), the id as plain
     * text (a {@code deviceID}), or {@code notKnown}/{@code notRequired}/{@code restricted} (null).
     */
    static String device(Element parent, String localName) {
        return deviceValue(child(parent, localName));
    }

    static String deviceValue(Element field) {
        if (field == null) {
            return null;
        }
        Element inner = firstElement(field);
        if (inner == null) {
            return SafeXml.blankToNull(field.getTextContent());
        }
        return switch (SafeXml.localName(inner)) {
            case "notKnown", "notRequired", "restricted", "notSpecified" -> null;
            default -> SafeXml.blankToNull(inner.getTextContent());
        };
    }

    /** The private data element ({@code extensions/privateData/private/*}), or null. */
    static Element privateData(Element root) {
        return firstElement(SafeXml.path(root, "extensions", "privateData", "private"));
    }

    /** True for xsd:boolean true ("true" or "1"). */
    static boolean bool(String s) {
        return "true".equalsIgnoreCase(s) || "1".equals(s);
    }

    /** A non-negative xsd:int, or {@code fallback} when absent; refused when not a number. */
    static int integer(Element parent, String localName, int fallback) {
        String t = text(parent, localName);
        if (t == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new io.ctistream.codec.MalformedBodyException(localName + " is not a number");
        }
    }

    /** The text of a required child, refused as malformed when absent. */
    static String required(Element parent, String localName) {
        String t = text(parent, localName);
        if (t == null) {
            throw new io.ctistream.codec.MalformedBodyException("<" + SafeXml.localName(parent) + "> without " + localName);
        }
        return t;
    }
}
