package io.ctistream.simulator.finesse;

import static io.ctistream.simulator.finesse.Notifications.API;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import io.ctistream.simulator.finesse.SimCenter.Refusal;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyStoreOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;

/**
 * One side's HTTP server: the Finesse REST API at {@code /finesse/api/...} and, when the side's
 * bus is the built-in one, the XMPP WebSocket endpoint {@code /ws/} on the same port. GETs answer
 * at once; PUT and POST answer 202 with the requestId echoed and the outcome follows as a
 * notification. While the side is out of service every request but SystemInfo gets 503.
 */
final class SimRest {
    private static final Logger LOG = LoggerFactory.getLogger(SimRest.class);
    private static final String XML = "application/xml";
    private final SimCenter c;
    private final SimCenter.Node node;
    private HttpServer server;

    SimRest(SimCenter c, SimCenter.Node node) {
        this.c = c;
        this.node = node;
    }

    Future<HttpServer> listen(String host, int port, FinesseSimulator.Tls tls) {
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port).setWebSocketSubProtocols(List.of("xmpp"))
                .setMaxWebSocketMessageSize(SafeXml.MAX_BODY_BYTES).setMaxWebSocketFrameSize(SafeXml.MAX_BODY_BYTES);
        if (tls != null) {
            options.setSsl(true).setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(tls.keyStore()).setPassword(tls.password()));
        }
        server = c.loop.vertx().createHttpServer(options).requestHandler(this::handle);
        server.webSocketHandshakeHandler(hs -> {
            LOG.debug("websocket handshake [side={}, path={}]", node.side, hs.path());
            if (node.bus instanceof BuiltInXmppServer xmpp && (hs.path().equals("/ws/") || hs.path().equals("/ws"))) {
                xmpp.handshake(hs);
            } else {
                hs.reject(404);
            }
        });
        return server.listen();
    }

    int port() {
        return server.actualPort();
    }

    Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest req) {
        c.requests++;
        String path = req.path();
        if (!path.startsWith(API)) {
            send(req, 404, "text/plain", "not found");
            return;
        }
        String[] p = path.substring(API.length()).replaceAll("/+$", "").split("/");
        if (p.length == 1 && p[0].equals("SystemInfo") && req.method() == HttpMethod.GET) {
            xml(req, 200, Notifications.systemInfo(c.systemInfo(node.side)).xml()); // always answered: clients poll it (§7)
            return;
        }
        if (!SimCenter.IN_SERVICE.equals(node.status) || c.reject503 > 0) {
            if (c.reject503 > 0) {
                c.reject503--;
            }
            error(req, new Refusal(503, "Service Unavailable", "Finesse is not in service", node.status));
            return;
        }
        Credentials.Check auth = c.credentials.basic(req.getHeader("Authorization"));
        if (auth.outcome() != Credentials.Outcome.OK) {
            unauthorized(req);
            return;
        }
        req.body().onSuccess(body -> {
            try {
                route(req, p, auth.agent(), body);
            } catch (MalformedBodyException e) {
                error(req, new Refusal(400, "Bad Request", "the body is not acceptable XML: " + e.getMessage(), ""));
            } catch (RuntimeException e) {
                LOG.warn("finesse simulator failed on a request [method={}, path={}]", req.method(), path, e);
                error(req, new Refusal(500, "Internal Server Error", String.valueOf(e.getMessage()), ""));
            }
        });
    }

    private void route(HttpServerRequest req, String[] p, SimAgent actor, Buffer body) {
        HttpMethod m = req.method();
        String requestId = req.getHeader("requestId");
        String kind = p[0] + "/" + (p.length > 2 ? p[2] : "") + "#" + p.length;
        switch (kind) {
            case "User/#2" -> {
                SimAgent a = target(req, p[1], actor);
                if (a == null) {
                    return;
                }
                if (m == HttpMethod.GET) {
                    xml(req, 200, Notifications.user(a, c::reason, "User").xml());
                } else if (m == HttpMethod.PUT) {
                    a.stateRequests++;
                    if (a.ignoreRequests) {
                        accepted(req, requestId, null); // accepted, and then nothing: the CTI side never confirms it
                        return;
                    }
                    accepted(req, requestId, c.agentRules.request(a, actor, SafeXml.parse(body.getBytes()), requestId));
                } else {
                    notAllowed(req);
                }
            }
            case "User/Dialogs#3" -> {
                SimAgent a = target(req, p[1], actor);
                if (a == null) {
                    return;
                }
                if (m == HttpMethod.GET) {
                    XmlEl list = XmlEl.el("Dialogs");
                    a.dialogs.forEach(d -> list.add(Notifications.dialog(d, a.extension, "Dialog")));
                    xml(req, 200, list.xml());
                } else if (m == HttpMethod.POST) {
                    accepted(req, requestId, c.callRules.makeCall(a, SafeXml.parse(body.getBytes()), requestId));
                } else {
                    notAllowed(req);
                }
            }
            case "User/ReasonCodes#3" -> {
                String category = req.getParam("category");
                if (target(req, p[1], actor) == null) {
                    return;
                }
                if (category == null) {
                    error(req, new Refusal(400, "Parameter Missing", "category is required", "category"));
                    return;
                }
                XmlEl list = XmlEl.el("ReasonCodes").attr("category", category);
                c.reasonCodes.values().stream().filter(r -> r.category().equalsIgnoreCase(category) || "ALL".equalsIgnoreCase(category))
                        .forEach(r -> list.add(Notifications.reasonCode(r, "ReasonCode")));
                xml(req, 200, list.xml());
            }
            case "User/Queues#3" -> {
                if (target(req, p[1], actor) == null) {
                    return;
                }
                XmlEl list = XmlEl.el("Queues");
                c.queuesOf(c.user(p[1]).id()).forEach(id -> list.add(queue(id)));
                xml(req, 200, list.xml());
            }
            case "Dialog/#2" -> dialog(req, p[1], actor, body, requestId);
            case "Team/#2" -> team(req, p[1], actor);
            case "Queue/#2" -> {
                if (!c.queues.containsKey(p[1])) {
                    error(req, new Refusal(404, "Not Found", "no queue " + p[1], p[1]));
                } else {
                    xml(req, 200, queue(p[1]).xml());
                }
            }
            case "ReasonCode/#2" -> {
                ReasonCode rc = p[1].matches("\\d{1,9}") ? c.reason(Integer.parseInt(p[1])) : null;
                if (rc == null) {
                    error(req, new Refusal(404, "Not Found", "no reason code " + p[1], p[1]));
                } else {
                    xml(req, 200, Notifications.reasonCode(rc, "ReasonCode").xml());
                }
            }
            case "Team/Users#3" -> notAllowed(req); // subscribing over REST fails (§8.3)
            default -> error(req, new Refusal(404, "Not Found", "no such resource", req.path()));
        }
    }

    private void dialog(HttpServerRequest req, String id, SimAgent actor, Buffer body, String requestId) {
        SimDialog d = c.dialogs.get(id);
        if (d == null) {
            error(req, new Refusal(404, "Not Found", "no dialog " + id, id));
            return;
        }
        SimAgent a = c.agents.get(d.agentId);
        if (a != actor && !supervises(actor, a)) {
            error(req, new Refusal(401, "Invalid Authorization User Specified", "the user is not a participant of the dialog", id));
            return;
        }
        if (req.method() == HttpMethod.GET) {
            xml(req, 200, Notifications.dialog(d, a.extension, "Dialog").xml());
        } else if (req.method() == HttpMethod.PUT) {
            accepted(req, requestId, c.callRules.request(a, d, SafeXml.parse(body.getBytes()), requestId));
        } else {
            notAllowed(req);
        }
    }

    private void team(HttpServerRequest req, String teamId, SimAgent actor) {
        List<SimAgent> members = c.agents.values().stream().filter(a -> teamId.equals(a.spec.teamId())).toList();
        if (members.isEmpty()) {
            error(req, new Refusal(404, "Not Found", "no team " + teamId, teamId));
        } else if (!actor.spec.supervisor() || !teamId.equals(actor.spec.teamId())) {
            error(req, new Refusal(401, "Invalid Supervisor", "the user does not supervise the team", teamId));
        } else {
            XmlEl users = XmlEl.el("users");
            members.forEach(a -> users.add(Notifications.teamUser(a, c::reason, "User")));
            xml(req, 200, XmlEl.el("Team").add("id", teamId).add("name", members.get(0).spec.teamName())
                    .add("uri", API + "Team/" + teamId).add(users).xml());
        }
    }

    private XmlEl queue(String id) {
        QueueSpec q = c.queues.get(id);
        return Notifications.queue(id, q.name(), c.queueStats(q));
    }

    /** The user a path names; acting for another user is 401 (TV5) unless a supervisor acts for its team. */
    private SimAgent target(HttpServerRequest req, String idOrName, SimAgent actor) {
        SimAgent a = c.user(idOrName);
        if (a == null) {
            error(req, new Refusal(404, "User Not Found", "no user " + idOrName, idOrName));
            return null;
        }
        if (a != actor && !supervises(actor, a)) {
            error(req, new Refusal(401, "Invalid Authorization User Specified",
                    "The user specified in the authentication credentials and the uri don't match", idOrName));
            return null;
        }
        return a;
    }

    private static boolean supervises(SimAgent actor, SimAgent a) {
        return actor.spec.supervisor() && actor.spec.teamId() != null && actor.spec.teamId().equals(a.spec.teamId());
    }

    // ---------------------------------------------------------------- answers

    private void accepted(HttpServerRequest req, String requestId, Refusal refusal) {
        if (refusal != null) {
            error(req, refusal);
            return;
        }
        if (requestId != null) {
            req.response().putHeader("requestId", requestId);
        }
        req.response().setStatusCode(202).end();
    }

    private void unauthorized(HttpServerRequest req) {
        if (c.unauthorizedAsXml) {
            error(req, new Refusal(401, "Authorization Failure", "Unauthorized", ""));
            return;
        }
        req.response().putHeader("WWW-Authenticate", "Basic realm=\"Cisco Finesse\"");
        send(req, 401, "text/html;charset=utf-8", UnauthorizedPage.HTML); // the Cisco error page (§1, §8.6)
    }

    private void notAllowed(HttpServerRequest req) {
        error(req, new Refusal(405, "Method Not Allowed", req.method() + " is not supported here", req.path()));
    }

    private void error(HttpServerRequest req, Refusal r) {
        xml(req, r.status(), Notifications.apiErrorsSync(r.type(), r.message(), r.data()));
    }

    private static void xml(HttpServerRequest req, int status, String body) {
        send(req, status, XML, body);
    }

    private static void send(HttpServerRequest req, int status, String contentType, String body) {
        req.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }
}
