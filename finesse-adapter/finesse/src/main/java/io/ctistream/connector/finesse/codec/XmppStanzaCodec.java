package io.ctistream.connector.finesse.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Takes Finesse notifications out of one XMPP stanza (one WebSocket frame, RFC 7395):
 * {@code <message><event><items node=".."><item id=".."><notification>&lt;Update&gt;…}. Matches
 * local names only, since namespaces vary ({@code urn:xmpp:push:0} in captures,
 * {@code http://jabber.org/protocol/pubsub} in Cisco's sample). The payload is usually escaped text,
 * which the parser unescapes; when it arrives as child elements it is written back as text, so
 * callers see one shape. A stanza that is not a pubsub event message (presence, iq, a chat message,
 * an RFC 7395 {@code <open/>}) gives no items; a retraction or an empty notification is skipped.
 */
public final class XmppStanzaCodec {
    /** The largest stanza read; Finesse's largest notification (a Dialogs list, a Team) is far smaller. */
    public static final int MAX_STANZA_BYTES = FinesseXml.MAX_BYTES;

    private XmppStanzaCodec() {
    }

    /**
     * The notification items of a stanza given as text (a WebSocket text frame).
     *
     * @return the items in document order; empty when the stanza is not a pubsub event message or is blank
     * @throws MalformedBodyException when the stanza is not well-formed, DTD-free XML within the limits,
     *         or an {@code <items>} has no {@code node}
     */
    public static List<PubSubItem> decode(String stanza) {
        if (stanza == null || stanza.isBlank()) {
            return List.of();
        }
        if (stanza.length() > MAX_STANZA_BYTES) {
            throw new MalformedBodyException("stanza of " + stanza.length() + " characters exceeds the limit of " + MAX_STANZA_BYTES);
        }
        return decode(stanza.getBytes(StandardCharsets.UTF_8));
    }

    /** As {@link #decode(String)}, for a stanza given as bytes (a binary frame, or a TCP read split into stanzas). */
    public static List<PubSubItem> decode(byte[] stanza) {
        if (stanza == null || stanza.length <= MAX_STANZA_BYTES && FinesseXml.blank(stanza)) {
            return List.of();
        }
        Element message = SafeXml.parse(stanza, MAX_STANZA_BYTES);
        Element event = SafeXml.child(message, "event");
        if (!"message".equals(SafeXml.localName(message)) || event == null) {
            return List.of();
        }
        List<PubSubItem> out = new ArrayList<>();
        for (Element items : SafeXml.children(event, "items")) {
            String node = SafeXml.blankToNull(items.getAttribute("node"));
            if (node == null) {
                throw new MalformedBodyException("pubsub <items> without a node");
            }
            for (Element item : SafeXml.children(items, "item")) {
                String payload = payload(item);
                if (payload != null) {
                    out.add(new PubSubItem(node, SafeXml.blankToNull(item.getAttribute("id")), payload));
                }
            }
        }
        return out;
    }

    /** The notification's text, or its element child written back as text; null when there is none. */
    private static String payload(Element item) {
        Element notification = SafeXml.child(item, "notification");
        if (notification == null) {
            // no wrapper at all: an <Update> straight under <item>
            Element update = FinesseXml.child(item, "Update");
            return update == null ? null : FinesseXml.serialize(update);
        }
        for (Node n = notification.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return FinesseXml.serialize(e);
            }
        }
        return SafeXml.blankToNull(notification.getTextContent());
    }
}
