package io.ctistream.connector.aes.dmcc;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test-local stand-in for AES's DMCC port: raw frames over a Vert.x NetServer, its own framing
 * and string matching (nothing shared with the connector's codec), the session services answered
 * as AES would, and knobs for what AES does when things go wrong. Other requests are answered by
 * {@link #handler} (no answer when it returns null).
 */
final class FakeDmccServer implements AutoCloseable {
    static final String USER = "ctiuser";
    static final String PASSWORD = "Fake-pw-7Qx";
    static final String A = "http://www.ecma-international.org/standards/ecma-354/appl_session";
    static final String E = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    static final String V = "http://www.avaya.com/csta";
    private static final Pattern ROOT = Pattern.compile("^(?:<\\?xml[^>]*\\?>)?\\s*<([A-Za-z0-9]+)");
    private static final Pattern OLD_ID = Pattern.compile("<ns1:sessionID>([^<]+)</ns1:sessionID>");

    /** A request the server read, with when it arrived. */
    record Received(String invokeId, String xml, long atNanos) {
        String root() {
            Matcher m = ROOT.matcher(xml);
            return m.find() ? m.group(1) : "?";
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger closedConnections = new AtomicInteger();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sessionCounter = new AtomicInteger();
    private final NetServer server;
    private volatile NetSocket socket;

    volatile int actualDurationSeconds = 180;
    volatile boolean reattach = true;
    volatile boolean refuseTransfer;
    volatile boolean refuseKeepAlive;
    volatile boolean silentKeepAlive;
    volatile Function<Received, String> handler = r -> null;

    private FakeDmccServer(NetServer server) {
        this.server = server;
    }

    static FakeDmccServer start(Vertx vertx, NetServerOptions options) {
        FakeDmccServer[] self = new FakeDmccServer[1];
        NetServer s = vertx.createNetServer(options).connectHandler(so -> self[0].accept(so));
        self[0] = new FakeDmccServer(s);
        Futures.join(s.listen(0, "127.0.0.1"));
        return self[0];
    }

    static FakeDmccServer start(Vertx vertx) {
        return start(vertx, new NetServerOptions());
    }

    int port() {
        return server.actualPort();
    }

    /** Frames and sends one message to the connected client. */
    void send(String invokeId, String xml) {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        Buffer b = Buffer.buffer().appendShort((short) 0).appendUnsignedShort(body.length + 8)
                .appendString(invokeId, "US-ASCII").appendBytes(body);
        socket.write(b);
    }

    void sendRaw(byte[] bytes) {
        socket.write(Buffer.buffer(bytes));
    }

    /** Drops the TCP connection, as a network failure would. */
    void drop() {
        socket.close();
    }

    List<Received> received(String root) {
        return received.stream().filter(r -> r.root().equals(root)).toList();
    }

    long millisBetween(Received a, Received b) {
        return TimeUnit.NANOSECONDS.toMillis(b.atNanos() - a.atNanos());
    }

    @Override
    public void close() {
        Futures.join(server.close());
    }

    private void accept(NetSocket so) {
        socket = so;
        connections.incrementAndGet();
        so.closeHandler(v -> closedConnections.incrementAndGet());
        Buffer[] pending = {Buffer.buffer()};
        so.handler(chunk -> {
            pending[0].appendBuffer(chunk);
            while (pending[0].length() >= 8) {
                int total = pending[0].getUnsignedShort(2);
                if (pending[0].length() < total) {
                    break;
                }
                String id = pending[0].getString(4, 8, "US-ASCII");
                String xml = pending[0].getString(8, total, "UTF-8");
                pending[0] = pending[0].getBuffer(total, pending[0].length());
                Received r = new Received(id, xml, System.nanoTime());
                received.add(r);
                String answer = answer(r);
                if (answer != null) {
                    send(id, answer);
                }
            }
        });
    }

    private String answer(Received r) {
        return switch (r.root()) {
            case "StartApplicationSession" -> startSession(r.xml());
            case "ResetApplicationSessionTimer" -> silentKeepAlive ? null : refuseKeepAlive
                    ? "<ResetApplicationSessionTimerNegResponse xmlns=\"" + A + "\"><errorCode><definedError>invalidSessionID</definedError></errorCode></ResetApplicationSessionTimerNegResponse>"
                    : "<ResetApplicationSessionTimerPosResponse xmlns=\"" + A + "\"><actualSessionDuration>" + actualDurationSeconds
                            + "</actualSessionDuration></ResetApplicationSessionTimerPosResponse>";
            case "TransferMonitorObjects" -> refuseTransfer ? "<CSTAErrorCode xmlns=\"" + E + "\"><operation>generic</operation></CSTAErrorCode>"
                    : "<TransferMonitorObjectsResponse xmlns=\"" + V + "\"/>";
            case "StopApplicationSession" -> "<StopApplicationSessionPosResponse xmlns=\"" + A + "\"/>";
            case "SystemStatusResponse" -> null;
            default -> handler.apply(r);
        };
    }

    private String startSession(String xml) {
        if (!xml.contains("<ns1:userName>" + USER + "</ns1:userName>") || !xml.contains("<ns1:password>" + PASSWORD + "</ns1:password>")) {
            return neg("invalidApplicationInfo");
        }
        Matcher old = OLD_ID.matcher(xml);
        String id;
        if (old.find()) {
            if (!reattach || !sessions.contains(old.group(1))) {
                return neg("invalidSessionID");
            }
            id = old.group(1);
        } else {
            id = "FAKE" + sessionCounter.incrementAndGet() + "-0";
            sessions.add(id);
        }
        return "<StartApplicationSessionPosResponse xmlns=\"" + A + "\"><sessionID>" + id + "</sessionID><actualProtocolVersion>" + E
                + "/privC</actualProtocolVersion><actualSessionDuration>" + actualDurationSeconds + "</actualSessionDuration></StartApplicationSessionPosResponse>";
    }

    private static String neg(String error) {
        return "<StartApplicationSessionNegResponse xmlns=\"" + A + "\"><errorCode><definedError>" + error
                + "</definedError></errorCode></StartApplicationSessionNegResponse>";
    }
}
