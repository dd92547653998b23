package io.ctistream.connector.finesse.xmpp;

import io.ctistream.simulator.finesse.testing.ProsodyServer;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jivesoftware.smackx.pubsub.Subscription;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The other side of the tests, written by someone else: Smack over plain c2s TCP, signed in as the
 * pubsub owner ({@link ProsodyServer#PUBLISHER}), creating Finesse-like nodes and publishing items
 * shaped as Finesse's ({@code <notification xmlns="urn:xmpp:push:0">} holding an escaped
 * {@code <Update>}). Blocking, as Smack is: call it from the test thread, never from an event loop.
 */
final class SmackPublisher implements AutoCloseable {
    private final XMPPTCPConnection connection;
    private final PubSubManager pubsub;

    SmackPublisher(ProsodyServer server) throws Exception {
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(server.domain())
                .setHost("127.0.0.1")
                .setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.disabled)
                .setUsernameAndPassword(ProsodyServer.PUBLISHER, ProsodyServer.PUBLISHER_PASSWORD)
                .setResource("publisher")
                .build();
        connection = new XMPPTCPConnection(config);
        connection.connect().login();
        pubsub = PubSubManager.getInstanceFor(connection, JidCreate.domainBareFrom(server.pubsubService()));
    }

    /** Creates {@code node} unless it exists (Finesse's nodes exist before anyone subscribes). */
    LeafNode node(String node) throws Exception {
        try {
            return pubsub.getLeafNode(node);
        } catch (Exception notThere) {
            return pubsub.createNode(node);
        }
    }

    /** Publishes an item whose {@code <notification>} holds {@code update} as escaped text, as Finesse does. */
    void publishUpdate(String node, String itemId, String update) throws Exception {
        String payload = "<notification xmlns=\"urn:xmpp:push:0\">" + escape(update) + "</notification>";
        node(node).publish(new PayloadItem<>(itemId, new SimplePayload(payload)));
    }

    /** The subscriber JIDs of {@code node}, as its owner sees them. */
    List<String> subscribers(String node) throws Exception {
        List<String> out = new ArrayList<>();
        for (Subscription s : node(node).getSubscriptionsAsOwner()) {
            out.add(s.getJid().toString());
        }
        return out;
    }

    /** A chat message to {@code to}: delivered to a bare JID only when some resource is available with priority >= 0. */
    void sendChat(String to, String body) throws Exception {
        connection.sendStanza(connection.getStanzaFactory().buildMessageStanza()
                .to(JidCreate.from(to)).ofType(Message.Type.chat).setBody(body).build());
    }

    XMPPTCPConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        connection.disconnect();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
