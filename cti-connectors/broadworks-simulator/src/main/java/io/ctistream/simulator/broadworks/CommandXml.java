package io.ctistream.simulator.broadworks;

import java.io.ByteArrayInputStream;
import java.util.HashMap;
import java.util.Map;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reads the command documents a subscriber puts in SUBSCRIBE bodies, by local element names. */
final class CommandXml {
    record Doc(String root, Map<String, String> values) {
        String get(String name) {
            return values.get(name);
        }
    }

    private CommandXml() {
    }

    static Doc parse(byte[] body) {
        try {
            if (body.length > 65536) {
                throw new IllegalArgumentException("body too large");
            }
            Element root = io.ctistream.codec.HardenedXml.builder().parse(new ByteArrayInputStream(body)).getDocumentElement();
            Map<String, String> values = new HashMap<>();
            collect(root, values);
            return new Doc(root.getLocalName(), values);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a command document: " + e.getMessage(), e);
        }
    }

    /** Every leaf element's text by local name (the command documents have no repeated leaves). */
    private static void collect(Element e, Map<String, String> out) {
        boolean leaf = true;
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c) {
                leaf = false;
                collect(c, out);
            }
        }
        if (leaf) {
            out.put(e.getLocalName(), e.getTextContent().strip());
        }
    }
}
