package io.ctistream.simulator.broadworks;

import static io.ctistream.simulator.broadworks.BroadWorksSimulator.FEATURE;
import static io.ctistream.simulator.broadworks.BroadWorksSimulator.HOTELING;

import io.ctistream.sip.DigestAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command documents a subscriber puts in in-dialog SUBSCRIBE bodies, carried out on the AS:
 * SetHoteling (with its nonce challenge), SetAgentState, SetDoNotDisturb and SetForwarding, each
 * answered by a NOTIFY. Runs on the simulator's executor, after the SUBSCRIBE got its 200.
 */
final class SimCommands {
    private static final Logger LOG = LoggerFactory.getLogger(SimCommands.class);

    private final SimNotifier notifier;
    private final SimControl control;

    SimCommands(SimNotifier notifier, SimControl control) {
        this.notifier = notifier;
        this.control = control;
    }

    /** Counts the command and carries it out, unless the user's commands are ignored (a fault). */
    void apply(SimSubscription s, CommandXml.Doc doc, int requestedExpires) {
        SimUser u = s.user;
        u.commandsReceived++;
        u.lastCommandExpires = requestedExpires;
        if (u.ignoreCommands) {
            LOG.info("simulator ignores a command [user={}, command={}]", u.user, doc.root());
            return;
        }
        switch (s.pkg + "/" + doc.root()) {
            case HOTELING + "/SetHoteling" -> setHoteling(u, doc);
            case FEATURE + "/SetAgentState" -> control.setState(u, doc.get("requestedAgentState"), doc.get("AgentNotReadyReasonValue"));
            case FEATURE + "/SetDoNotDisturb" -> {
                u.dnd = Boolean.parseBoolean(doc.get("doNotDisturbOn"));
                notifier.notifyFeature(u, Bodies.dnd(u));
            }
            case FEATURE + "/SetForwarding" -> {
                String type = doc.get("forwardingType");
                String rings = doc.get("ringCount");
                u.forwarding.put(type, new SimUser.Forward(Boolean.parseBoolean(doc.get("activateForward")),
                        SimAs.blankToNull(doc.get("forwardDN")), rings == null || rings.isBlank() ? null : Integer.valueOf(rings)));
                notifier.notifyFeature(u, Bodies.forwarding(u, type));
            }
            default -> LOG.info("simulator does not know the command [package={}, root={}]", s.pkg, doc.root());
        }
    }

    /**
     * A guest signs in to (or out of) a hoteling host: a first request gets a nonce, the second one
     * answers it with MD5(nonce:password); a wrong answer gets the same nonce again.
     */
    private void setHoteling(SimUser u, CommandXml.Doc doc) {
        String guest = SimAs.blankToNull(doc.get("guestAddress"));
        String nonce = SimAs.blankToNull(doc.get("nonce"));
        if (guest == null) {
            u.guest = null;
            u.pendingNonce = null;
            notifier.notifyHoteling(u, Bodies.hoteling(null, null));
            return;
        }
        String password = u.guestPasswords.get(guest);
        if (!u.hoteling || password == null) {
            notifier.notifyHoteling(u, Bodies.hoteling(null, null));
            return;
        }
        if (nonce == null || !nonce.equals(u.pendingNonce) || !guest.equals(u.pendingGuest)) {
            u.pendingNonce = SimAs.hex(5);
            u.pendingGuest = guest;
            notifier.notifyHoteling(u, Bodies.hoteling(null, u.pendingNonce));
            return;
        }
        String expected = DigestAuth.md5(nonce + ":" + password);
        if (!expected.equalsIgnoreCase(doc.get("response"))) {
            // the same nonce again: the client knows the password was refused
            notifier.notifyHoteling(u, Bodies.hoteling(null, u.pendingNonce));
            return;
        }
        u.guest = guest;
        u.pendingNonce = null;
        notifier.notifyHoteling(u, Bodies.hoteling(guest, null));
    }
}
