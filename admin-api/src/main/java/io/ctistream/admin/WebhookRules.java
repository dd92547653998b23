package io.ctistream.admin;

import io.ctistream.admin.ApiProblem.FieldError;
import io.ctistream.admin.store.AdminView;
import io.ctistream.admin.store.Resource;
import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Webhook subscriptions: the checks their schema cannot make (an absolute https URL without
 * credentials, not naming a loopback or private address unless the operator allows it; teams,
 * queues and agents of the tenant that exist), and their signing secrets: made here, never taken
 * from a client, {@code whsec_} and the base64 of 32 random bytes (Standard Webhooks), and rotated
 * with a grace period in which the old and the new secret both sign.
 */
final class WebhookRules {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final int SECRET_BYTES = 32;

    private final AdminView view;
    private final AdminSettings settings;
    private final SecureRandom random = new SecureRandom();

    WebhookRules(AdminView view, AdminSettings settings) {
        this.view = view;
        this.settings = settings;
    }

    /**
     * The subscription {@code body} describes. A new one ({@code before} null) gets {@code newSecret} as its only secret;
     * a replaced one keeps its secrets and creation time.
     */
    WebhookSubscription subscription(String tenant, String pathId, JsonObject body, WebhookSubscription before, String newSecret, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        String bodyTenant = body.getString("tenant");
        if (bodyTenant != null && !bodyTenant.equals(tenant)) {
            errors.add(new FieldError("tenant", "[" + bodyTenant + "] is not the tenant of the path [" + tenant + "]"));
        }
        String id = ResourceRules.qualified(tenant, "subscriptionId", body.getString("subscriptionId"), errors);
        if (pathId != null && id != null && !id.equals(pathId)) {
            errors.add(new FieldError("subscriptionId", "[" + id + "] is not the id of the path [" + pathId + "]; an id cannot be changed"));
        }
        String url = body.getString("url", "").strip();
        url(url, errors);
        List<String> teams = ids(tenant, "teams", body, Resource.TEAM, errors);
        List<String> queues = ids(tenant, "queues", body, Resource.QUEUE, errors);
        List<String> agents = ids(tenant, "agents", body, Resource.AGENT, errors);
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        List<WebhookSecret> secrets = before != null ? before.getSecrets()
                : List.of(WebhookSecret.newBuilder().setSecret(newSecret).setCreatedAt(now).setExpiresAt(null).build());
        return WebhookSubscription.newBuilder().setTenant(tenant).setSubscriptionId(id).setUrl(url)
                .setDescription(ResourceRules.text(body, "description")).setSecrets(new ArrayList<>(secrets))
                .setEventTypes(strings(body.getJsonArray("eventTypes"))).setTeams(teams).setQueues(queues).setAgents(agents)
                .setEnabled(body.getBoolean("enabled", true)).setCreatedAt(before != null ? before.getCreatedAt() : now).setUpdatedAt(now).build();
    }

    /**
     * {@code current} with {@code newSecret} added: every secret without an end yet ends {@code grace} from now (with no grace
     * they go at once), and secrets already past their end are dropped.
     */
    static WebhookSubscription rotated(WebhookSubscription current, String newSecret, Duration grace, Instant now) {
        List<WebhookSecret> secrets = new ArrayList<>();
        if (!grace.isZero()) {
            for (WebhookSecret s : current.getSecrets()) {
                if (s.getExpiresAt() == null) {
                    secrets.add(WebhookSecret.newBuilder(s).setExpiresAt(now.plus(grace)).build());
                } else if (s.getExpiresAt().isAfter(now)) {
                    secrets.add(s);
                }
            }
        }
        secrets.add(WebhookSecret.newBuilder().setSecret(newSecret).setCreatedAt(now).setExpiresAt(null).build());
        return WebhookSubscription.newBuilder(current).setSecrets(secrets).setUpdatedAt(now).build();
    }

    /** A new signing secret: {@code whsec_} and the base64 of 32 bytes from a {@link SecureRandom}. */
    String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        random.nextBytes(bytes);
        return "whsec_" + Base64.getEncoder().encodeToString(bytes);
    }

    private void url(String url, List<FieldError> errors) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            errors.add(new FieldError("url", "[" + url + "] is not a URL: " + e.getReason()));
            return;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            errors.add(new FieldError("url", "[" + url + "] is not an absolute http(s) URL with a host, such as https://crm.example.com/events"));
            return;
        }
        if (scheme.equals("http") && !settings.allowHttpWebhooks()) {
            errors.add(new FieldError("url", "must be https: events carry caller numbers (plain http only where "
                    + AdminSettings.ALLOW_HTTP + "=true)"));
        }
        if (uri.getRawUserInfo() != null) {
            errors.add(new FieldError("url", "must not carry credentials: each delivery is signed with the subscription's secret"));
        }
        if (!settings.allowPrivateWebhooks() && privateHost(uri.getHost())) {
            errors.add(new FieldError("url", "[" + uri.getHost() + "] is a loopback, link-local or private address, refused (unless "
                    + AdminSettings.ALLOW_PRIVATE + "=true): a webhook must not reach into the network ctistream runs in"));
        }
    }

    /** A host written as a loopback, private, link-local or unspecified address, or localhost. Names are not resolved here. */
    static boolean privateHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        boolean literal = IPV4.matcher(h).matches() || h.startsWith("[");
        if (!literal) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(h.startsWith("[") ? h.substring(1, h.length() - 1) : h); // a literal: no lookup
            byte[] b = a.getAddress();
            boolean uniqueLocal6 = b.length == 16 && (b[0] & 0xfe) == 0xfc;
            boolean sharedSpace4 = b.length == 4 && (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64;
            return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress() || uniqueLocal6 || sharedSpace4;
        } catch (UnknownHostException e) {
            return true; // not a literal after all: refuse rather than guess
        }
    }

    private List<String> ids(String tenant, String field, JsonObject body, Resource kind, List<FieldError> errors) {
        List<String> ids = strings(body.getJsonArray(field));
        for (String id : ids) {
            List<FieldError> own = new ArrayList<>();
            if (ResourceRules.qualified(tenant, field, id, own) == null) {
                errors.addAll(own);
            } else if (view.get(kind, id).isEmpty()) {
                errors.add(new FieldError(field, "[" + id + "] is not one of tenant [" + tenant + "]'s " + kind.path()));
            }
        }
        return ids;
    }

    private static List<String> strings(JsonArray array) {
        return array == null ? new ArrayList<>() : new ArrayList<>(array.stream().map(String::valueOf).toList());
    }
}
