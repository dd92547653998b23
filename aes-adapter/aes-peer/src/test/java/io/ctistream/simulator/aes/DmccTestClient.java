package io.ctistream.simulator.aes;

import static org.awaitility.Awaitility.await;

import io.ctistream.codec.SafeXml;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.w3c.dom.Element;

/**
 * A bare DMCC client for the peer's tests, on a plain {@link Socket}: frames written and read by
 * hand (not the connector's code), every received frame kept in an inbox the test takes from.
 * Messages are written as in the notes, with {@code xmlns="A"}, {@code "E"}, {@code "V"} and
 * {@code E/privN} expanded to the §2 URIs.
 */
final class DmccTestClient implements AutoCloseable {
    static final String A = "http://www.ecma-international.org/standards/ecma-354/appl_session";
    static final String E = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    static final String V = "http://www.avaya.com/csta";
    static final Duration WAIT = Duration.ofSeconds(5);

    /** A received frame. */
    record Frame(String invokeId, String xml, Element root) {
        String name() {
            return SafeXml.localName(root);
        }

        /** The body without the prolog, namespaces written back as A/E/V, to compare with the notes' text. */
        String shape() {
            return compact(xml.replace(DmccFrames.PROLOG, ""));
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final List<Frame> inbox = new ArrayList<>();
    private final Thread reader;
    private volatile boolean closedByPeer;
    private int invoke;

    DmccTestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        this.reader = new Thread(() -> read(in), "dmcc-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    static DmccTestClient connect(AesPeer peer) throws IOException {
        return new DmccTestClient(new Socket("127.0.0.1", peer.port()));
    }

    static String expand(String xml) {
        return xml.replace("=\"A\"", "=\"" + A + "\"").replace("=\"E\"", "=\"" + E + "\"").replace("=\"V\"", "=\"" + V + "\"")
                .replace(">E/priv", ">" + E + "/priv");
    }

    static String compact(String xml) {
        return xml.replace(A, "A").replace(E + "/priv", "E/priv").replace("\"" + E + "\"", "\"E\"").replace(V, "V");
    }

    private void read(DataInputStream in) {
        try {
            while (true) {
                int zero = in.readUnsignedShort();
                int total = in.readUnsignedShort();
                byte[] id = new byte[4];
                in.readFully(id);
                byte[] body = new byte[total - 8];
                in.readFully(body);
                if (zero != 0) {
                    throw new IOException("bad header from the peer");
                }
                Frame f = new Frame(new String(id, StandardCharsets.US_ASCII), new String(body, StandardCharsets.UTF_8), SafeXml.parse(body));
                synchronized (inbox) {
                    inbox.add(f);
                }
            }
        } catch (IOException e) {
            closedByPeer = true;
        }
    }

    /** Writes one frame of the (expanded) xml with this invoke id. */
    void send(String invokeId, String xml) throws IOException {
        byte[] body = expand(xml).getBytes(StandardCharsets.UTF_8);
        out.write(header(invokeId, body.length));
        out.write(body);
        out.flush();
    }

    static byte[] header(String invokeId, int bodyLength) {
        int total = bodyLength + 8;
        byte[] h = new byte[8];
        h[2] = (byte) (total >>> 8);
        h[3] = (byte) total;
        System.arraycopy(invokeId.getBytes(StandardCharsets.US_ASCII), 0, h, 4, 4);
        return h;
    }

    static byte[] frame(String invokeId, String xml) {
        byte[] body = expand(xml).getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[body.length + 8];
        System.arraycopy(header(invokeId, body.length), 0, all, 0, 8);
        System.arraycopy(body, 0, all, 8, body.length);
        return all;
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends with the next invoke id and waits for the answer with that id. */
    Frame request(String xml) throws IOException {
        invoke = invoke % 9998 + 1;
        String id = String.format("%04d", invoke);
        send(id, xml);
        return take(f -> f.invokeId().equals(id));
    }

    /** Waits for the next unsolicited event (9999) with this local name. */
    Frame event(String name) {
        return take(f -> f.invokeId().equals("9999") && f.name().equals(name));
    }

    Frame take(Predicate<Frame> wanted) {
        Frame[] found = new Frame[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> (found[0] = find(wanted)) != null);
        synchronized (inbox) {
            inbox.remove(found[0]);
        }
        return found[0];
    }

    /** Asserts that no frame like this arrives for a while (the peer sends nothing it should not). */
    void expectNone(Predicate<Frame> unwanted, Duration during) {
        await().during(during).atMost(during.plusSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() -> find(unwanted) == null);
    }

    void expectNoEvent(String name, Duration during) {
        expectNone(f -> f.invokeId().equals("9999") && f.name().equals(name), during);
    }

    private Frame find(Predicate<Frame> wanted) {
        synchronized (inbox) {
            return inbox.stream().filter(wanted).findFirst().orElse(null);
        }
    }

    boolean closedByPeer() {
        return closedByPeer;
    }

    /** TV1 with these credentials, cleanup delay and, for a re-attach, the old session id. */
    static String startSession(String user, String password, int cleanupDelay, String oldSessionId, String version, int duration) {
        return "<StartApplicationSession xmlns=\"A\"><applicationInfo><applicationID>aes-adapter</applicationID><applicationSpecificInfo>"
                + "<ns1:SessionLoginInfo xmlns:ns1=\"V\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"ns1:SessionLoginInfo\">"
                + "<ns1:userName>" + user + "</ns1:userName><ns1:password>" + password + "</ns1:password><ns1:sessionCleanupDelay>"
                + cleanupDelay + "</ns1:sessionCleanupDelay>" + (oldSessionId == null ? "" : "<ns1:sessionID>" + oldSessionId + "</ns1:sessionID>")
                + "</ns1:SessionLoginInfo></applicationSpecificInfo></applicationInfo><requestedProtocolVersions><protocolVersion>" + version
                + "</protocolVersion></requestedProtocolVersions><requestedSessionDuration>" + duration
                + "</requestedSessionDuration></StartApplicationSession>";
    }

    /** Starts a session as TV1 does and returns its id. */
    String startSession(int cleanupDelay) throws IOException {
        Frame f = request(startSession("ctiuser", "Secret#1", cleanupDelay, null, "E/priv7", 180));
        return SafeXml.text(f.root(), "sessionID");
    }

    /** GetDeviceId (TV4) then MonitorStart (§5, TV5) for the extension; returns the cross-ref id. */
    String monitor(String extension) throws IOException {
        String device = SafeXml.text(request("<GetDeviceId xmlns=\"V\"><switchName>CM1</switchName><extension>" + extension
                + "</extension><controllableByOtherSessions>true</controllableByOtherSessions></GetDeviceId>").root(), "device");
        return SafeXml.text(request(monitorStart(device)).root(), "monitorCrossRefID");
    }

    static String monitorStart(String device) {
        return "<MonitorStart xmlns=\"E\"><monitorObject><deviceObject typeOfNumber=\"other\" mediaClass=\"notKnown\">" + device
                + "</deviceObject></monitorObject><requestedMonitorFilter><callcontrol><connectionCleared>true</connectionCleared>"
                + "<conferenced>true</conferenced><delivered>true</delivered><diverted>true</diverted><established>true</established>"
                + "<failed>true</failed><held>true</held><originated>true</originated><retrieved>true</retrieved><transferred>true</transferred>"
                + "</callcontrol><logicalDeviceFeature><agentLoggedOn>true</agentLoggedOn><agentLoggedOff>true</agentLoggedOff>"
                + "<agentReady>true</agentReady><agentNotReady>true</agentNotReady><agentWorkingAfterCall>true</agentWorkingAfterCall>"
                + "</logicalDeviceFeature></requestedMonitorFilter><extensions><privateData><private><AvayaEvents xmlns=\"V\">"
                + "<invertFilter>true</invertFilter></AvayaEvents></private></privateData></extensions></MonitorStart>";
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
