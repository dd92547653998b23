package io.ctistream.simulator.aes;

import io.ctistream.codec.SafeXml;
import java.util.HashMap;
import java.util.Map;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A MonitorStart's {@code requestedMonitorFilter} (§5). In standard CSTA a flag set to true
 * suppresses its event; Avaya's {@code invertFilter=true} flips that so true means "send" and an
 * absent flag is not sent [I]. With no filter at all every event is sent.
 */
record MonitorFilter(Map<String, Boolean> flags, boolean present, boolean inverted) {
    static final MonitorFilter ALL = new MonitorFilter(Map.of(), false, false);

    static MonitorFilter of(Element monitorStart) {
        Element requested = SafeXml.child(monitorStart, "requestedMonitorFilter");
        boolean inverted = "true".equals(SafeXml.text(SafeXml.path(monitorStart, "extensions", "privateData", "private", "AvayaEvents"),
                "invertFilter"));
        if (requested == null) {
            return ALL;
        }
        Map<String, Boolean> flags = new HashMap<>();
        for (Node group = requested.getFirstChild(); group != null; group = group.getNextSibling()) {
            if (group instanceof Element g) {
                for (Node f = g.getFirstChild(); f != null; f = f.getNextSibling()) {
                    if (f instanceof Element flag) {
                        flags.put(SafeXml.localName(flag), "true".equals(SafeXml.blankToNull(flag.getTextContent())));
                    }
                }
            }
        }
        return new MonitorFilter(Map.copyOf(flags), true, inverted);
    }

    /** Whether an event of this filter flag (e.g. {@code delivered}, {@code agentNotReady}) goes to the monitor. */
    boolean wants(String flag) {
        if (!present) {
            return true;
        }
        boolean set = flags.getOrDefault(flag, false);
        return inverted == set;
    }
}
