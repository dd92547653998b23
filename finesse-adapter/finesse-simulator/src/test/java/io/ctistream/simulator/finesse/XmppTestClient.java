package io.ctistream.simulator.finesse;

import static org.awaitility.Awaitility.await;

import io.ctistream.codec.SafeXml;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A minimal, test-only XMPP-over-WebSocket client (RFC 7395 framing) on a raw Vert.x WebSocket: it
 * sends the frames a test writes and keeps every frame it receives, so a test can wait for the next
 * one matching what it expects. Deliberately not the connector's client.
 */
final class XmppTestClient implements AutoCloseable {
    /** One pubsub notification: its node and the unescaped {@code <Update>}. */
    record Update(String node, String xml) {
        Element root() {
            return SafeXml.parse(xml.getBytes(StandardCharsets.UTF_8));
        }

        /** The text of the first element with this local name anywhere in the update, or null. */
        String field(String localName) {
            NodeList l = root().getElementsByTagNameNS("*", localName);
            return l.getLength() == 0 ? null : l.item(0).getTextContent();
        }

        boolean has(String localName) {
            return root().getElementsByTagNameNS("*", localName).getLength() > 0;
        }
    }

    /** Held for the session's life: Vert.x 5 closes a client that is garbage collected. */
    private final WebSocketClient client;
    private final WebSocket ws;
    private final List<String> frames = new ArrayList<>();
    private int cursor;
    private int updateCursor;
    private volatile boolean closed;
    String jid;

    private XmppTestClient(WebSocketClient client, WebSocket ws) {
        this.client = client;
        this.ws = ws;
        ws.textMessageHandler(f -> {
            synchronized (frames) {
                frames.add(f);
            }
        });
        ws.closeHandler(v -> closed = true);
    }

    static XmppTestClient connect(Vertx vertx, String wsUrl) {
        URI u = URI.create(wsUrl);
        WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(u.getHost()).setPort(u.getPort()).setURI(u.getPath())
                .addSubProtocol("xmpp");
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            return new XmppTestClient(client, client.connect(o).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + wsUrl + ": " + e, e);
        }
    }

    /** Opens the stream, authenticates with SASL PLAIN, restarts, binds the resource and sends presence. */
    static XmppTestClient signIn(Vertx vertx, String wsUrl, String domain, String user, String password, String resource) {
        XmppTestClient c = connect(vertx, wsUrl);
        c.send("<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"" + domain + "\" version=\"1.0\"/>");
        c.next(f -> f.contains("<mechanism>PLAIN</mechanism>"));
        c.send(c.auth(user, password));
        c.next(f -> f.startsWith("<success"));
        c.send("<open xmlns=\"urn:ietf:params:xml:ns:xmpp-framing\" to=\"" + domain + "\" version=\"1.0\"/>");
        c.next(f -> f.contains("urn:ietf:params:xml:ns:xmpp-bind"));
        c.send("<iq xmlns=\"jabber:client\" type=\"set\" id=\"bind1\"><bind xmlns=\"urn:ietf:params:xml:ns:xmpp-bind\"><resource>"
                + resource + "</resource></bind></iq>");
        String bound = c.next(f -> f.contains("bind1"));
        c.jid = bound.replaceAll(".*<jid>(.*)</jid>.*", "$1");
        c.send("<iq xmlns=\"jabber:client\" type=\"set\" id=\"sess1\"><session xmlns=\"urn:ietf:params:xml:ns:xmpp-session\"/></iq>");
        c.next(f -> f.contains("sess1"));
        c.send("<presence xmlns=\"jabber:client\"><priority>0</priority></presence>");
        return c;
    }

    String auth(String user, String password) {
        String plain = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" mechanism=\"PLAIN\">" + plain + "</auth>";
    }

    void send(String frame) {
        ws.writeTextMessage(frame);
    }

    /** Waits for the next received frame (after the last one taken) that matches, and takes it. */
    String next(Predicate<String> match) {
        String[] found = new String[1];
        waitFor("a frame", () -> {
            synchronized (frames) {
                for (int i = cursor; i < frames.size(); i++) {
                    if (match.test(frames.get(i))) {
                        found[0] = frames.get(i);
                        cursor = i + 1;
                        return true;
                    }
                }
                return false;
            }
        });
        return found[0];
    }

    /** Waits for the next notification (after the last one taken) on the node, whichever it is. */
    Update nextUpdate(String node) {
        return nextUpdate(node, u -> true);
    }

    /** Waits for the next notification on the node that matches, skipping others. */
    Update nextUpdate(String node, Predicate<Update> match) {
        Update[] found = new Update[1];
        waitFor("a notification on " + node, () -> {
            List<Update> all = updates();
            for (int i = updateCursor; i < all.size(); i++) {
                if (all.get(i).node().equals(node) && match.test(all.get(i))) {
                    found[0] = all.get(i);
                    updateCursor = i + 1;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private void waitFor(String what, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(5)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            synchronized (frames) {
                throw new AssertionError("no " + what + " came; frames so far:\n" + String.join("\n", frames), e);
            }
        }
    }

    /** Every notification received so far, in order. */
    List<Update> updates() {
        List<Update> out = new ArrayList<>();
        synchronized (frames) {
            for (String f : frames) {
                if (!f.startsWith("<message")) {
                    continue;
                }
                Element m = SafeXml.parse(f.getBytes(StandardCharsets.UTF_8));
                Element items = SafeXml.path(m, "event", "items");
                Element n = SafeXml.path(items, "item", "notification");
                if (items != null && n != null) {
                    out.add(new Update(items.getAttribute("node"), n.getTextContent()));
                }
            }
        }
        return out;
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            ws.close();
        }
        client.close();
    }
}
