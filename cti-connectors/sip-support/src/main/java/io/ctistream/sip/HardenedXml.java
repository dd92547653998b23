package io.ctistream.sip;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

/**
 * The project's one way to make a DOM parser for bodies that arrive over SIP: namespace-aware,
 * no DTD at all (so no external entities and no entity expansion), no external schemas, no
 * XInclude, secure processing on. Size limits are the caller's (they depend on the package).
 */
public final class HardenedXml {
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
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser cannot be hardened", e);
        }
    }
}
