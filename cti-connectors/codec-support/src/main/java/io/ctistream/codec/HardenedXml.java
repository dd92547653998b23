package io.ctistream.codec;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/**
 * The project's one way to make a DOM parser for bodies that arrive from a platform (SIP bodies,
 * REST and XMPP payloads, DMCC frames) or at a simulator: namespace-aware, no DTD at all (so no
 * external entities and no entity expansion), no external schemas, no XInclude, secure processing
 * on, and at most {@link #MAX_ELEMENT_DEPTH} nested elements, so a hostile body of thousands of
 * nested elements is refused by the parser instead of overflowing the stack of whatever walks the
 * tree. Size limits are the caller's (they depend on the protocol); {@link SafeXml} applies them.
 */
public final class HardenedXml {
    /** Deeper than any platform document (BroadWorks, Finesse and DMCC bodies nest under 15). */
    public static final int MAX_ELEMENT_DEPTH = 64;
    /** The JDK parser's own depth limit (JAXP {@code jdk.xml.maxElementDepth}). */
    private static final String MAX_ELEMENT_DEPTH_PROPERTY = "http://www.oracle.com/xml/jaxp/properties/maxElementDepth";
    /** Xerces's deferred DOM: on by default in the JDK's parser. */
    private static final String DEFER_NODE_EXPANSION = "http://apache.org/xml/features/dom/defer-node-expansion";

    private static final DocumentBuilderFactory FACTORY = factory();
    /** A builder costs more to make than a small document costs to parse: one per thread, reset before use. */
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(() -> {
        try {
            return FACTORY.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser cannot be configured", e);
        }
    });

    private HardenedXml() {
    }

    /** This thread's builder, reset: set an error handler before parsing if warnings must be quiet. */
    public static DocumentBuilder builder() {
        DocumentBuilder b = BUILDERS.get();
        b.reset();
        return b;
    }

    private static DocumentBuilderFactory factory() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setAttribute(MAX_ELEMENT_DEPTH_PROPERTY, String.valueOf(MAX_ELEMENT_DEPTH));
            // build the tree as it parses: the deferred DOM (Xerces's default) allocates its node tables in chunks
            // bigger than a whole platform body, and the codecs walk every node anyway (ADR 033)
            f.setFeature(DEFER_NODE_EXPANSION, false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f;
        } catch (ParserConfigurationException | IllegalArgumentException e) {
            throw new IllegalStateException("the JDK XML parser cannot be hardened", e);
        }
    }
}
