package io.ctistream.simulator.finesse;

import io.ctistream.codec.SafeXml;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.ReconnectionManager;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.pubsub.LeafNode;
import org.jivesoftware.smackx.pubsub.PayloadItem;
import org.jivesoftware.smackx.pubsub.PubSubManager;
import org.jivesoftware.smackx.pubsub.SimplePayload;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a side's notifications into an external XMPP server's pubsub service (Prosody in the
 * tests) as a c2s client with Smack, a library no one here wrote, so the connector's XMPP client is
 * tested against a real server and a real publisher. The publisher creates the nodes it publishes to
 * (it must be allowed to: an admin of the pubsub service in Prosody) and, as node owner, subscribes
 * each agent's bare JID to its User, Dialogs and SystemInfo nodes, which Finesse
 * does by itself. Smack blocks, so everything runs on the bus's own thread, in order.
 */
public final class SmackPubSubBus implements NotificationBus {
    private static final Logger LOG = LoggerFactory.getLogger(SmackPubSubBus.class);

    /**
     * Where a side publishes.
     *
     * @param host the XMPP server's c2s address
     * @param xmppDomain the server's domain, which SystemInfo names and agents' JIDs use
     * @param pubSubDomain the pubsub component, e.g. {@code pubsub.localhost}
     * @param username the publisher's account (not an agent); its password is never logged
     * @param endpoint where clients connect (the server's WebSocket URL), as the demo and logs show it
     */
    public record Target(String host, int port, String xmppDomain, String pubSubDomain, String username, String password,
                         String endpoint) {
        @Override
        public String toString() {
            return "Target[host=" + host + ", port=" + port + ", xmppDomain=" + xmppDomain + ", pubSubDomain=" + pubSubDomain
                    + ", username=" + username + "]";
        }
    }

    /** A factory for {@link FinesseSimulator.Settings#withBus}: side A publishes to {@code a}, side B to {@code b}. */
    public static Factory factory(Target a, Target b) {
        return (side, directory, presence) -> new SmackPubSubBus(side.side() == FinesseSimulator.Side.A ? a : b, side.side().name());
    }

    private final Target target;
    private final String sideName;
    private final ExecutorService worker;
    private final Map<String, LeafNode> nodes = new HashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private XMPPTCPConnection connection;
    private PubSubManager pubsub;

    public SmackPubSubBus(Target target, String sideName) {
        this.target = target;
        this.sideName = sideName;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "finesse-sim-smack-" + sideName);
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String xmppDomain() {
        return target.xmppDomain();
    }

    @Override
    public String pubSubDomain() {
        return target.pubSubDomain();
    }

    @Override
    public String endpoint() {
        return target.endpoint();
    }

    public long published() {
        return published.get();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void prepare(String node, Collection<String> autoSubscribers) {
        List<String> subscribers = List.copyOf(autoSubscribers);
        worker.execute(() -> attempt("prepare " + node, () -> {
            LeafNode leaf = leaf(node);
            for (String loginId : subscribers) {
                // The owner subscribes another JID with a plain <subscribe jid=…/> (Prosody: the owner's subscribe_other).
                // Not Node.modifySubscriptionsAsOwner (XEP-0060 §8.8.2): Smack 4.4.8 writes its <subscription/> children in the
                // pubsub namespace instead of pubsub#owner, and Prosody 0.12 then matches none of them and answers a silent result.
                leaf.subscribe(JidCreate.bareFrom(loginId + "@" + target.xmppDomain()));
            }
        }));
    }

    @Override
    public void publish(String node, String update) {
        String payload = "<notification xmlns=\"urn:xmpp:push:0\">" + SafeXml.escape(update) + "</notification>";
        worker.execute(() -> attempt("publish to " + node, () -> {
            leaf(node).publish(new PayloadItem<>(new SimplePayload(payload)));
            published.incrementAndGet();
        }));
    }

    @Override
    public void dropSessions() {
        // [I] clients' sessions belong to the external server: restart it (the test harness does) to drop them
        LOG.info("an external xmpp server's sessions cannot be dropped by the simulator [domain={}]", target.xmppDomain());
    }

    @Override
    public int sessions(String loginId) {
        return -1;
    }

    @Override
    public void close() {
        worker.execute(() -> {
            if (connection != null) {
                connection.disconnect();
            }
        });
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private void attempt(String what, Step step) {
        try {
            connected();
            step.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failures.incrementAndGet();
            LOG.warn("smack publisher could not {} [domain={}]: {}", what, target.xmppDomain(), e.toString());
        }
    }

    private LeafNode leaf(String node) throws Exception {
        LeafNode leaf = nodes.get(node);
        if (leaf == null) {
            leaf = pubsub.getOrCreateLeafNode(node);
            nodes.put(node, leaf);
        }
        return leaf;
    }

    private void connected() throws Exception {
        if (connection != null && connection.isAuthenticated()) {
            return;
        }
        if (connection == null) {
            XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                    .setXmppDomain(target.xmppDomain())
                    .setHost(target.host())
                    .setPort(target.port())
                    .setUsernameAndPassword(target.username(), target.password())
                    .setResource("finesse-simulator-" + sideName)
                    .setSecurityMode(ConnectionConfiguration.SecurityMode.disabled) // loopback test server [I]
                    .build();
            connection = new XMPPTCPConnection(config);
            ReconnectionManager.getInstanceFor(connection).enableAutomaticReconnection();
            pubsub = PubSubManager.getInstanceFor(connection, JidCreate.bareFrom(target.pubSubDomain()));
        }
        if (!connection.isConnected()) {
            LOG.warn("smack publisher connects in plain text to a loopback xmpp server [host={}, port={}]", target.host(), target.port());
            connection.connect();
        }
        if (!connection.isAuthenticated()) {
            connection.login();
        }
    }
}
