package io.ctistream.benchmarks;

import io.ctistream.codec.SafeXml;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * What one platform body costs {@link SafeXml#parse}: time and bytes allocated per parse, on this
 * thread, after a warm-up, for the bodies the connectors parse most — a BroadWorks agent-state
 * NOTIFY (declares ISO-8859-1, as BroadWorks does), a hoteling NOTIFY (UTF-8) and a Finesse user
 * update (UTF-8, no prolog). Allocation is read from the JVM's per-thread counter, so it is the
 * parser's own garbage, whatever else the JVM does.
 *
 * <p>Usage: {@code XmlParseBenchmark [parses per body, default 200000]}.
 */
public final class XmlParseBenchmark {
    private static final String CSTA = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    private static final Logger LOG = LoggerFactory.getLogger("ctistream.benchmark.xml");

    private XmlParseBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        byte[] agentState = ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<AgentNotReadyEvent xmlns=\"" + CSTA
                + "\"><agentDevice>agent0042@as.example.com</agentDevice><extensions><privateData><private "
                + "xmlns:pri=\"http://schema.broadsoft.com/CSTAPrivateData\"><pri:AgentNotReadyReasonValue>Lunch</pri:AgentNotReadyReasonValue>"
                + "</private></privateData></extensions></AgentNotReadyEvent>\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] hoteling = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<HotelingEvent xmlns=\"http://schema.broadsoft.com/hoteling\">"
                + "<guestAddress>agent0042@as.example.com</guestAddress></HotelingEvent>\n").getBytes(StandardCharsets.UTF_8);
        byte[] finesse = ("<Update><data><user><loginId>5100</loginId><state>NOT_READY</state><reasonCodeId>12</reasonCodeId>"
                + "<stateChangeTime>2026-01-01T09:00:00.000Z</stateChangeTime><extension>3100</extension><firstName>Andr\u00e9</firstName>"
                + "</user></data><event>PUT</event><requestId>r-1</requestId><source>/finesse/api/User/5100</source></Update>")
                .getBytes(StandardCharsets.UTF_8);
        report("XmlParseBenchmark: %d parses per body after %d of warm-up; java %s", n, n, System.getProperty("java.version"));
        measure("BroadWorks agent state (ISO-8859-1)", agentState, n);
        measure("BroadWorks hoteling (UTF-8)", hoteling, n);
        measure("Finesse user update (no prolog)", finesse, n);
    }

    private static void measure(String name, byte[] body, int n) {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long sink = 0;
        for (int i = 0; i < n; i++) {
            sink += walk(SafeXml.parse(body));
        }
        long bytes0 = threads.getThreadAllocatedBytes(id);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += walk(SafeXml.parse(body));
        }
        long ns = System.nanoTime() - t0;
        long bytes = threads.getThreadAllocatedBytes(id) - bytes0;
        report("  %-38s %5d bytes in: %6.2f us and %7.0f bytes allocated per parse (check %d)", name, body.length, ns / 1e3 / n,
                (double) bytes / n, sink % 10);
    }

    private static void report(String format, Object... args) {
        LOG.warn(String.format(Locale.ROOT, format, args));
    }

    /** Touches every element, as a codec does. */
    private static int walk(Element e) {
        int count = 1;
        for (org.w3c.dom.Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element child) {
                count += walk(child);
            }
        }
        return count;
    }
}
