package io.ctistream.simulator.aes;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * Reads each frame's body with the hardened parser, by local name whatever the namespace (§2), and
 * answers it with the same invoke id: a session service, a device or monitor service, agent
 * control, or a CSTAErrorCode. A bad body is answered {@code operation/generic} and the connection
 * lives on; the canned faults and the link state are applied here, before any service runs.
 */
final class RequestRouter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);
    /** Served by AES itself, so they work while the CM link is down; everything else needs CM. */
    private static final Set<String> AES_ONLY = Set.of("StartApplicationSession", "ResetApplicationSessionTimer", "StopApplicationSession",
            "TransferMonitorObjects", "SystemRegister", "SystemRegisterCancel", "GetDeviceId", "GetThirdPartyDeviceId", "ReleaseDeviceId",
            "MonitorStop");
    private final PeerSwitch sw;
    private final SessionService sessions;
    private final DeviceService devices;
    private final AgentRules agents;

    RequestRouter(PeerSwitch sw, SessionService sessions, DeviceService devices, AgentRules agents) {
        this.sw = sw;
        this.sessions = sessions;
        this.devices = devices;
        this.agents = agents;
    }

    void onFrame(PeerConnection conn, DmccFrames.Frame frame) {
        Element root;
        try {
            root = SafeXml.parse(frame.body());
        } catch (MalformedBodyException e) {
            LOG.warn("aes peer refused a malformed body [remote={}, invokeId={}, why={}]", conn.remote(), frame.invokeId(), e.getMessage());
            reply(conn, frame.invokeId(), DmccXml.error("operation", "generic"));
            return;
        }
        String name = SafeXml.localName(root);
        if ("SystemStatusResponse".equals(name)) {
            sw.systemStatusAnswers++; // the client's answer to our SystemStatus request
            return;
        }
        if (name.endsWith("Response")) {
            LOG.info("aes peer ignored a response it did not ask for [remote={}, element={}]", conn.remote(), name);
            return;
        }
        if ("SetAgentState".equals(name)) {
            agents.count(root);
        }
        String[] answer = new String[1];
        sw.answering(() -> answer[0] = answer(conn, name, root), () -> reply(conn, frame.invokeId(), answer[0]));
    }

    private String answer(PeerConnection conn, String name, Element root) {
        PeerSwitch.Fault fault = sw.faults.get(name);
        if (fault != null && fault.remaining > 0) {
            fault.remaining--;
            return fault.xml;
        }
        try {
            if (!sw.linkUp && !AES_ONLY.contains(name)) {
                throw CstaError.outOfService();
            }
            return route(conn, name, root);
        } catch (CstaError e) {
            return DmccXml.error(e);
        } catch (RuntimeException e) {
            LOG.warn("aes peer failed on a request [remote={}, element={}]", conn.remote(), name, e);
            return DmccXml.error("operation", "generic");
        }
    }

    private String route(PeerConnection conn, String name, Element root) {
        switch (name) {
            case "StartApplicationSession":
                return sessions.start(conn, root);
            case "ResetApplicationSessionTimer":
                return sessions.reset(root);
            case "StopApplicationSession":
                return sessions.stop(root);
            default:
                break;
        }
        PeerSession s = conn.session;
        if (s == null || sw.sessions.get(s.id) != s) {
            throw CstaError.operation("generic"); // [I] a CSTA request outside a session; AES's exact answer is unknown
        }
        return switch (name) {
            case "TransferMonitorObjects" -> sessions.transferMonitors(root);
            case "GetDeviceId" -> devices.getDeviceId(s, root);
            case "GetThirdPartyDeviceId" -> devices.getThirdPartyDeviceId(root);
            case "ReleaseDeviceId" -> devices.releaseDeviceId(s, root);
            case "MonitorStart" -> devices.monitorStart(s, root);
            case "MonitorStop" -> devices.monitorStop(s, root);
            case "SystemRegister" -> devices.systemRegister(s, root);
            case "SetAgentState" -> agents.setAgentState(root);
            case "GetAgentState" -> agents.getAgentState(root);
            default -> {
                LOG.info("aes peer does not serve this request [remote={}, element={}]", conn.remote(), name);
                throw CstaError.operation("serviceNotSupported");
            }
        };
    }

    /** Writes the answer with the request's invoke id, after the configured delay (slow answers). */
    private void reply(PeerConnection conn, String invokeId, String xml) {
        if (xml == null) {
            return;
        }
        long delay = sw.answerDelay.toMillis();
        if (delay <= 0) {
            conn.send(invokeId, xml);
        } else {
            sw.loop.later(delay, () -> conn.send(invokeId, xml));
        }
    }

    /** The socket is gone: its session waits for a re-attach (§3). */
    void onClosed(PeerConnection conn) {
        sw.connections.remove(conn);
        PeerSession s = conn.session;
        conn.session = null;
        if (s != null && s.connection == conn) {
            sessions.detach(s);
        }
    }
}
