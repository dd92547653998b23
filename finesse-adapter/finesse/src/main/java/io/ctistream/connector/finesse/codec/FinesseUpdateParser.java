package io.ctistream.connector.finesse.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.util.Locale;
import org.w3c.dom.Element;

/**
 * Reads the {@code <Update>} payload of a Finesse notification (protocols/finesse.md section 6),
 * after {@link XmppStanzaCodec} took it out of its stanza. Lenient where Finesse varies: element
 * case ({@code <user>}/{@code <User>}, {@code put}/{@code PUT}), element order, unknown elements,
 * an empty {@code requestId}. Refused as malformed: anything that is not a well-formed, DTD-free
 * {@code <Update>} within the limits, an Update whose event is not PUT, POST or DELETE, a User
 * without loginId and a Dialog without id.
 */
public final class FinesseUpdateParser {
    /** The largest payload read: as large as a whole stanza may be. */
    public static final int MAX_PAYLOAD_BYTES = XmppStanzaCodec.MAX_STANZA_BYTES;

    private FinesseUpdateParser() {
    }

    /** Reads a payload as the XML parser gave it (the unescaped text of {@code <notification>}). */
    public static FinesseUpdate parse(String payload) {
        return read(FinesseXml.parse(payload));
    }

    /** Reads a payload from bytes (its XML declaration's encoding is honoured). */
    public static FinesseUpdate parse(byte[] payload) {
        return read(SafeXml.parse(payload, MAX_PAYLOAD_BYTES));
    }

    private static FinesseUpdate read(Element root) {
        Element update = FinesseXml.expect(root, "Update");
        String eventText = FinesseXml.text(update, "event");
        FinesseUpdate.Event event = FinesseUpdate.Event.of(eventText);
        if (event == null) {
            throw new MalformedBodyException("an Update whose event is not PUT, POST or DELETE: " + eventText);
        }
        return new FinesseUpdate(event, FinesseXml.text(update, "requestId"), FinesseXml.text(update, "source"),
                data(FinesseXml.child(update, "data")));
    }

    private static UpdateData data(Element data) {
        Element object = data == null ? null : FinesseXml.firstElement(data);
        if (object == null) {
            return new UnknownData(null);
        }
        String name = SafeXml.localName(object);
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "user" -> FinesseObjects.user(object);
            case "dialogs" -> new FinesseDialogs(FinesseObjects.dialogs(object));
            case "dialog" -> FinesseObjects.dialog(object);
            case "apierrors" -> new ApiErrors(FinesseObjects.apiErrors(object));
            case "systeminfo" -> FinesseObjects.systemInfo(object);
            case "queue" -> FinesseObjects.queue(object);
            default -> new UnknownData(name);
        };
    }
}
