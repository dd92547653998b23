package io.ctistream.simulator.finesse;

import io.ctistream.codec.SafeXml;
import org.w3c.dom.Element;

/** XEP-0060 subscribe, unsubscribe and subscriptions IQs of one session, against the built-in server's nodes. */
final class PubSubIq {
    private static final String PUBSUB = "http://jabber.org/protocol/pubsub";
    private static final String ERRORS = "http://jabber.org/protocol/pubsub#errors";
    private final BuiltInXmppServer server;
    private final XmppSession session;

    PubSubIq(BuiltInXmppServer server, XmppSession session) {
        this.server = server;
        this.session = session;
    }

    void handle(String id, String type, Element pubsub) {
        Element subscribe = SafeXml.child(pubsub, "subscribe");
        Element unsubscribe = SafeXml.child(pubsub, "unsubscribe");
        if ("set".equals(type) && subscribe != null) {
            subscribe(id, subscribe);
        } else if ("set".equals(type) && unsubscribe != null) {
            unsubscribe(id, unsubscribe);
        } else if ("get".equals(type) && SafeXml.child(pubsub, "subscriptions") != null) {
            StringBuilder b = new StringBuilder("<pubsub xmlns=\"" + PUBSUB + "\"><subscriptions>");
            for (String node : server.subscriptionsOf(session.jid(), session.bareJid())) {
                b.append("<subscription node=\"").append(SafeXml.escape(node)).append("\" jid=\"").append(SafeXml.escape(session.jid()))
                        .append("\" subscription=\"subscribed\"/>");
            }
            session.send(session.result(id, b.append("</subscriptions></pubsub>").toString()));
        } else {
            session.send(session.iqError(id, "cancel", "feature-not-implemented"));
        }
    }

    private void subscribe(String id, Element sub) {
        String node = sub.getAttribute("node");
        String jid = sub.getAttribute("jid");
        if (node.isEmpty()) {
            session.send(session.iqError(id, "modify", "bad-request", "<nodeid-required xmlns=\"" + ERRORS + "\"/>"));
        } else if (!ownJid(jid)) {
            session.send(session.iqError(id, "modify", "bad-request", "<invalid-jid xmlns=\"" + ERRORS + "\"/>"));
        } else if (!server.subscribe(node, jid)) {
            session.send(session.iqError(id, "cancel", "item-not-found"));
        } else {
            session.send(session.result(id, "<pubsub xmlns=\"" + PUBSUB + "\"><subscription node=\"" + SafeXml.escape(node) + "\" jid=\""
                    + SafeXml.escape(jid) + "\" subid=\"" + BuiltInXmppServer.hex(6) + "\" subscription=\"subscribed\"/></pubsub>"));
        }
    }

    private void unsubscribe(String id, Element unsub) {
        String node = unsub.getAttribute("node");
        String jid = unsub.getAttribute("jid");
        if (!ownJid(jid)) {
            session.send(session.iqError(id, "modify", "bad-request", "<invalid-jid xmlns=\"" + ERRORS + "\"/>"));
        } else if (!server.directory.nodeExists(node)) {
            session.send(session.iqError(id, "cancel", "item-not-found"));
        } else if (!server.unsubscribe(node, jid)) {
            session.send(session.iqError(id, "cancel", "unexpected-request", "<not-subscribed xmlns=\"" + ERRORS + "\"/>"));
        } else {
            session.send(session.result(id, ""));
        }
    }

    /** A session may subscribe only its own full or bare JID. */
    private boolean ownJid(String jid) {
        return jid.equals(session.jid()) || jid.equals(session.bareJid());
    }
}
