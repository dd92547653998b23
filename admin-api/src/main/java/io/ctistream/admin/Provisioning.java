package io.ctistream.admin;

import io.ctistream.admin.store.AdminView;
import io.ctistream.admin.store.Change;
import io.ctistream.admin.store.ChangeWriter;
import io.ctistream.admin.store.Resource;
import io.ctistream.admin.store.ResourceJson;
import io.ctistream.events.WebhookSubscription;
import io.ctistream.push.Jwt;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Every change of the admin API, one at a time on one thread: read the current value from the
 * view, check If-Match and the request, write the change and its audit ({@link ChangeWriter}),
 * then wait until the view shows it. Serializing changes makes a check and the write it allows one
 * step (two requests cannot both take the same platform user), and the wait makes every answered
 * change visible to the next GET (read-your-writes).
 */
final class Provisioning implements AutoCloseable {
    /** What a change stored, and the secret it made (shown once), if any. */
    record Stored(SpecificRecord record, String secret) {
    }

    private final AdminView view;
    private final ChangeWriter writer;
    private final ResourceRules rules;
    private final WebhookRules webhooks;
    private final AdminSettings settings;
    private final Clock clock;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "admin-changes");
        t.setDaemon(true);
        return t;
    });

    Provisioning(AdminView view, ChangeWriter writer, AdminSettings settings, Clock clock) {
        this.view = view;
        this.writer = writer;
        this.settings = settings;
        this.clock = clock;
        this.rules = new ResourceRules(view);
        this.webhooks = new WebhookRules(view, settings);
    }

    CompletableFuture<Stored> create(Jwt.Principal who, Resource resource, JsonObject body) {
        return submit(() -> {
            String tenant = who.tenant();
            String secret = resource == Resource.WEBHOOK_SUBSCRIPTION ? webhooks.newSecret() : null;
            SpecificRecord after = resource == Resource.WEBHOOK_SUBSCRIPTION
                    ? webhooks.subscription(tenant, null, body, null, secret, now()) : rules.record(resource, tenant, null, body);
            String id = body.getString(resource.idField());
            if (view.get(resource, id).isPresent()) {
                throw ApiProblem.conflict(id + " exists already; PUT " + pathOf(resource, id) + " changes it");
            }
            write(who, new Change(resource, tenant, id, null, after));
            return new Stored(after, secret);
        });
    }

    CompletableFuture<Stored> update(Jwt.Principal who, Resource resource, String id, String ifMatch, JsonObject body) {
        return submit(() -> {
            SpecificRecord before = current(resource, id, ifMatch);
            SpecificRecord after = resource == Resource.WEBHOOK_SUBSCRIPTION
                    ? webhooks.subscription(who.tenant(), id, body, (WebhookSubscription) before, null, now())
                    : rules.record(resource, who.tenant(), id, body);
            if (!content(before).equals(content(after))) {
                write(who, new Change(resource, who.tenant(), id, before, after));
                return new Stored(after, null);
            }
            return new Stored(before, null); // the same again: nothing to write or audit
        });
    }

    CompletableFuture<Void> delete(Jwt.Principal who, Resource resource, String id, String ifMatch) {
        return submit(() -> {
            SpecificRecord before = current(resource, id, ifMatch);
            write(who, new Change(resource, who.tenant(), id, before, null));
            return null;
        });
    }

    CompletableFuture<Stored> rotate(Jwt.Principal who, String id, Integer graceSeconds) {
        return submit(() -> {
            WebhookSubscription before = (WebhookSubscription) current(Resource.WEBHOOK_SUBSCRIPTION, id, null);
            Duration grace = graceSeconds == null ? settings.secretGrace() : Duration.ofSeconds(graceSeconds);
            String secret = webhooks.newSecret();
            WebhookSubscription after = WebhookRules.rotated(before, secret, grace, now());
            write(who, new Change(Resource.WEBHOOK_SUBSCRIPTION, who.tenant(), id, before, after));
            return new Stored(after, secret);
        });
    }

    /** The resource as it is now, if the request's If-Match (when given) names this version. */
    private SpecificRecord current(Resource resource, String id, String ifMatch) {
        SpecificRecord before = view.get(resource, id).orElseThrow(() -> ApiProblem.notFound("no " + resource.path() + " " + id));
        if (ifMatch != null && !ifMatch.isBlank() && !ifMatch.strip().equals("*")
                && java.util.Arrays.stream(ifMatch.split(",")).map(String::strip).noneMatch(ResourceJson.etag(before)::equals)) {
            throw ApiProblem.preconditionFailed(id + " has changed since that version (If-Match " + ifMatch.strip() + "); GET it again");
        }
        return before;
    }

    /** What a replace compares: the resource as the API shows it, without the time a change stamps itself. */
    private static JsonObject content(SpecificRecord r) {
        JsonObject json = ResourceJson.of(r);
        json.remove("updatedAt");
        return json;
    }

    private void write(Jwt.Principal who, Change change) throws Exception {
        Map<TopicPartition, Long> offsets = writer.write(who.subject(), List.of(change));
        try {
            view.reached(offsets).get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw ApiProblem.unavailable("the change was written, but this service's view did not show it within "
                    + settings.writeTimeout().toSeconds() + " s");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private static String pathOf(Resource resource, String id) {
        int slash = id.indexOf('/');
        return "/api/v1/tenants/" + id.substring(0, slash) + "/" + resource.path() + "/" + id.substring(slash + 1);
    }

    private <T> CompletableFuture<T> submit(Callable<T> change) {
        CompletableFuture<T> result = new CompletableFuture<>();
        thread.execute(() -> {
            try {
                result.complete(change.call());
            } catch (ExecutionException e) {
                result.completeExceptionally(e.getCause());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(settings.writeTimeout().toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
