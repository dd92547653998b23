package io.ctistream.launcher;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's teams and queues, provisioned as an operator provisions them: through the admin API
 * (validated, written as {@code TeamProfile} on {@code cti.teams} and {@code QueueProfile} on
 * {@code cti.queues} with their audit), so the admin API knows the teams and queues its agents
 * name, and an agent created through it can join a demo team. Each is created once: on a reused
 * data directory it exists already (409) and is left as it is, so a restart writes nothing and
 * what an operator changed stays changed. Each queue names its platform and what the platform calls
 * it (the BroadWorks call center, the Finesse queue id), so the connectors follow it from the queue
 * roster; the service-level threshold is the API's default.
 */
final class DemoProvisioning {
    private static final Logger LOG = LoggerFactory.getLogger(DemoProvisioning.class);

    /** What a run did: teams and queues created now, and those an earlier run had created. */
    record Result(int created, int existing) {
    }

    private DemoProvisioning() {
    }

    /** Creates the teams, then the queues, that do not exist yet. */
    static Result teamsAndQueues(AdminClient admin, List<String> teams, List<DemoRoster.DemoQueue> queues) throws IOException, InterruptedException {
        int created = 0;
        int existing = 0;
        for (String team : teams) {
            boolean made = create(admin, "teams", new JsonObject().put("teamId", team).put("displayName", DemoRoster.displayName(team)));
            created += made ? 1 : 0;
            existing += made ? 0 : 1;
        }
        for (DemoRoster.DemoQueue queue : queues) {
            JsonObject body = new JsonObject().put("queueId", queue.queueId()).put("displayName", DemoRoster.displayName(queue.queueId()))
                    .put("platform", queue.platform().name());
            if (queue.platformQueueId() != null) {
                body.put("platformQueueId", queue.platformQueueId());
            }
            boolean made = create(admin, "queues", body);
            created += made ? 1 : 0;
            existing += made ? 0 : 1;
        }
        LOG.info("demo teams and queues: [{}] created through the admin API, [{}] there already (tenant [{}])", created, existing, DemoRoster.TENANT);
        return new Result(created, existing);
    }

    /** True when created now, false when it existed (left as it is). */
    private static boolean create(AdminClient admin, String collection, JsonObject body) throws IOException, InterruptedException {
        HttpResponse<String> response = admin.send("POST", admin.tenantPath(collection), body);
        return switch (response.statusCode()) {
            case 201 -> true;
            case 409 -> false;
            default -> throw new IllegalStateException("the admin API did not create the demo's " + collection + " entry " + body.encode() + ": "
                    + response.statusCode() + " " + response.body());
        };
    }
}
