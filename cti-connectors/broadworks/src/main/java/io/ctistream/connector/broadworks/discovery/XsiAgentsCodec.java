package io.ctistream.connector.broadworks.discovery;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Xsi-Actions answers read for agent discovery, pure: the agent list of a call center ({@code GET
 * /com.broadsoft.xsi-actions/v2.0/user/<supervisor>/directories/Agents?callCenter=<id>}) and the
 * {@code ErrorInfo} of a refusal. Parsed only through {@link SafeXml} (no DTD, size and depth
 * limits); elements are matched by local name in any namespace.
 *
 * <p>Shapes. The request path and its {@code callCenter} parameter are taken from a public Xsi
 * client (a supervisor application's request table), not from a BroadWorks trace. <b>Inferred</b>,
 * from the Xsi schema's naming as public clients bind it: the answer's root {@code Agents}, its
 * list {@code agentList} holding one element per agent (its name is not relied on), each agent's
 * {@code userId}, {@code firstName}, {@code lastName}, {@code number} and {@code extension}, and
 * {@code ErrorInfo/{summary, summaryEnglish, errorCode}} on a refusal. So the reader is lenient
 * where the shape is a guess: agents are the element children of {@code agentList}, or of the
 * root when there is no {@code agentList}; and strict where a guess would be dangerous: an agent
 * without a {@code userId}, a root that is not {@code Agents}, or anything not well-formed refuses
 * the whole answer (a partial listing would be shown to a person as agents "not listed").
 */
public final class XsiAgentsCodec {
    public static final String NAMESPACE = "http://schema.broadsoft.com/xsi";

    private XsiAgentsCodec() {
    }

    /** One agent of a call center as Xsi lists it; {@code userId} is never null. */
    public record Entry(String userId, String firstName, String lastName, String number, String extension) {
        /** "First Last", or whichever of the two is given; null when neither is. */
        public String displayName() {
            String name = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).strip();
            return name.isEmpty() ? null : name;
        }
    }

    /** The Xsi refusal's text, or null when the body is no {@code ErrorInfo}. */
    public record ErrorInfo(String summary, String errorCode) {
    }

    /**
     * Reads an agent list.
     *
     * @throws MalformedBodyException when the body is not a well-formed, DTD-free {@code Agents}
     *         document within {@code maxBytes}, or an agent in it has no {@code userId}
     */
    public static List<Entry> agents(byte[] body, int maxBytes) {
        Element root = SafeXml.parse(body, maxBytes);
        String local = SafeXml.localName(root);
        if (!"Agents".equals(local)) {
            throw new MalformedBodyException("expected an <Agents> document, got <" + local + ">");
        }
        Element list = SafeXml.child(root, "agentList");
        List<Entry> out = new ArrayList<>();
        int position = 0;
        for (Node n = (list != null ? list : root).getFirstChild(); n != null; n = n.getNextSibling()) {
            if (!(n instanceof Element e)) {
                continue;
            }
            position++;
            String userId = SafeXml.text(e, "userId");
            if (userId == null) {
                throw new MalformedBodyException("agent #" + position + " (<" + SafeXml.localName(e) + ">) has no userId");
            }
            out.add(new Entry(userId, SafeXml.text(e, "firstName"), SafeXml.text(e, "lastName"), SafeXml.text(e, "number"),
                    SafeXml.text(e, "extension")));
        }
        return out;
    }

    /** The {@code ErrorInfo} of a refusal, or null when the body is empty, not XML or something else. */
    public static ErrorInfo error(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            Element root = SafeXml.parse(body, SafeXml.MAX_BODY_BYTES);
            if (!"ErrorInfo".equals(SafeXml.localName(root))) {
                return null;
            }
            String summary = SafeXml.text(root, "summaryEnglish");
            return new ErrorInfo(summary != null ? summary : SafeXml.text(root, "summary"), SafeXml.text(root, "errorCode"));
        } catch (MalformedBodyException e) {
            return null;
        }
    }
}
