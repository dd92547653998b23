package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The XEP-0060 subscriptions one session made, from and for its full JID, so that a clean close
 * can undo them: Finesse keeps subscriptions that are left behind. The nodes Finesse subscribes by
 * itself (User, Dialogs, Media, SystemInfo) are not ours to undo and are not here.
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(XmppSession.class);

    private final XmppSession session;
    /** Replaced, never changed: readable from any thread. */
    private volatile Set<String> nodes = Set.of();

    Subscriptions(XmppSession session) {
        this.session = session;
    }

    Set<String> nodes() {
        return nodes;
    }

    /** Subscribes or unsubscribes; an error answer of the server removes the node as well (it is not subscribed). */
    Future<Void> change(String node, boolean subscribe) {
        String id = session.iqs().nextId();
        String jid = session.fullJid();
        String service = session.options().pubsubService();
        session.write(subscribe ? XmppFrames.subscribe(id, jid, service, node) : XmppFrames.unsubscribe(id, jid, service, node));
        String what = (subscribe ? "subscribe to " : "unsubscribe from ") + node;
        return session.iqs().await(id, session.options().iqTimeout(), what).transform(ar -> {
            boolean definite = ar.succeeded() || ar.cause() instanceof Failure f && !f.retriable();
            if (subscribe && ar.succeeded()) {
                nodes = with(node, true);
            } else if (!subscribe && definite) {
                nodes = with(node, false);
            }
            return ar.succeeded() ? Future.succeededFuture() : Future.failedFuture(ar.cause());
        });
    }

    /** Unsubscribes every node; completes when all are answered or timed out, failures only logged. */
    Future<Void> undoAll() {
        List<Future<Void>> undo = new ArrayList<>();
        for (String node : nodes) {
            undo.add(change(node, false).onFailure(t -> LOG.info("xmpp unsubscribe before close failed [session={}, node={}, reason={}]",
                    session, node, t.getMessage())));
        }
        return Future.join(undo).transform(ar -> Future.succeededFuture());
    }

    private Set<String> with(String node, boolean add) {
        Set<String> copy = new LinkedHashSet<>(nodes);
        if (add) {
            copy.add(node);
        } else {
            copy.remove(node);
        }
        return Set.copyOf(copy);
    }
}
