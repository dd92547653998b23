package io.ctistream.launcher;

import io.ctistream.webhooks.CrmEventType;
import io.ctistream.webhooks.DemoCrm;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's CRM: {@link DemoCrm} on 127.0.0.1, subscribed to agent001's call events as an operator
 * would subscribe a CRM — through the admin API (validated, audited, the secret made by the server
 * and answered once), so the screen pops it shows came the whole real way: cti.agent-events, the
 * webhooks service, a signed CloudEvent over HTTP, the signature verified. On a reused data directory
 * the subscription is there already: its secret is rotated (the old one ends at once, the new one is
 * only in this process) and its URL set to this run's.
 */
final class DemoCrmService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCrmService.class);
    static final String NAME = "crm";
    static final String AGENT = DemoRoster.TENANT + "/agent001";

    private final DemoCrm crm;

    private DemoCrmService(DemoCrm crm) {
        this.crm = crm;
    }

    /** @param admin the admin API, with an admin token of the demo tenant */
    static DemoCrmService start(Vertx vertx, int port, AdminClient admin) throws Exception {
        DemoCrm crm;
        try {
            crm = DemoCrm.start(vertx, "127.0.0.1", port, 20).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the demo CRM could not listen on [127.0.0.1:" + port + "] (" + EmbeddedConfig.DEMO_CRM_PORT + "): "
                    + e.getMessage(), e);
        }
        try {
            crm.trust(subscribe(admin, crm.webhookUrl()));
        } catch (Exception | Error e) {
            crm.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
        LOG.info("demo CRM: screen pops of [{}] at [{}], subscription [{}/{}]", AGENT, crm.pageUrl(), DemoRoster.TENANT, NAME);
        return new DemoCrmService(crm);
    }

    /** Creates the subscription (or, made by an earlier run, rotates its secret and points it here); answers the signing secret. */
    private static String subscribe(AdminClient admin, String url) throws IOException, InterruptedException {
        String base = admin.tenantPath("webhook-subscriptions");
        JsonObject input = new JsonObject().put("subscriptionId", DemoRoster.TENANT + "/" + NAME).put("url", url)
                .put("description", "the demo CRM's screen pops")
                .put("eventTypes", new JsonArray().add(CrmEventType.CALL_OFFERED.type()).add(CrmEventType.CALL_ANSWERED.type())
                        .add(CrmEventType.CALL_ENDED.type()))
                .put("agents", new JsonArray().add(AGENT)).put("enabled", true);
        HttpResponse<String> created = admin.send("POST", base, input);
        if (created.statusCode() == 201) {
            return new JsonObject(created.body()).getString("secret");
        }
        if (created.statusCode() != 409) {
            throw refused("create", created);
        }
        HttpResponse<String> rotated = admin.send("POST", base + "/" + NAME + "/rotate-secret", new JsonObject().put("graceSeconds", 0));
        if (rotated.statusCode() != 200) {
            throw refused("rotate the secret of", rotated);
        }
        HttpResponse<String> updated = admin.send("PUT", base + "/" + NAME, input);
        if (updated.statusCode() != 200) {
            throw refused("update", updated);
        }
        return new JsonObject(rotated.body()).getString("secret");
    }

    private static IllegalStateException refused(String what, HttpResponse<String> response) {
        return new IllegalStateException("the admin API did not " + what + " the demo CRM's webhook subscription: " + response.statusCode() + " "
                + response.body());
    }

    /** The screen-pop page. */
    String pageUrl() {
        return crm.pageUrl();
    }

    int port() {
        return crm.port();
    }

    @Override
    public void close() throws Exception {
        crm.close().await(10, TimeUnit.SECONDS);
    }
}
