package io.ctistream.webhooks;

import io.ctistream.events.WebhookSubscription;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery attempt of one event to a subscription's endpoint: the signing keys (every
 * unexpired secret), the target checked (SSRF: scheme, then every address the host resolves to
 * now), and a POST of the structured-mode body to the checked address with the Vert.x
 * {@link WebClient} — its own client and pool, and its own two resolver threads, so nothing of one
 * subscription waits for another's. The answer is a {@link DeliveryOutcome}: a refused target or no
 * usable secret is {@link DeliveryOutcome.Kind#REFUSED} (nothing was sent). Call from an event loop;
 * the future completes on the caller's context.
 */
final class WebhookSender {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    static final String USER_AGENT = "ctistream-webhooks/1";

    private final String subscriptionId;
    private final WebhookSettings settings;
    private final Clock clock;
    private final WebClient client;
    private final WorkerExecutor resolver;

    WebhookSender(Vertx vertx, String subscriptionId, String name, WebhookSettings settings, Clock clock) {
        this.subscriptionId = subscriptionId;
        this.settings = settings;
        this.clock = clock;
        this.client = WebClient.create(vertx, new WebClientOptions()
                        .setUserAgent(USER_AGENT)
                        .setFollowRedirects(false)
                        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(io.ctistream.schemas.CtiTopics.DEFAULT_AGENT_PARTITIONS));
        this.resolver = vertx.createSharedWorkerExecutor("webhooks-resolver-" + name, 2);
    }

    /** Signs and sends {@code body} (the event {@code e} in structured mode) per the subscription as it is now. */
    Future<DeliveryOutcome> send(WebhookSubscription s, CrmEvent e, byte[] body) {
        List<byte[]> keys = new ArrayList<>();
        for (String secret : WebhookSigner.activeSecrets(s, clock.instant())) {
            try {
                keys.add(WebhookSigner.key(secret));
            } catch (WebhookSigner.InvalidSecret x) {
                LOG.warn("a signing secret of a subscription is not usable, skipped [subscription={}]: {}", subscriptionId, x.getMessage());
            }
        }
        if (keys.isEmpty()) {
            return Future.succeededFuture(DeliveryOutcome.refused("invalid_secret",
                    "no valid signing secret (every secret expired or malformed); nothing was sent"));
        }
        TargetPolicy.Target target;
        try {
            target = settings.targets().target(s.getUrl());
        } catch (TargetPolicy.Refused r) {
            return Future.succeededFuture(DeliveryOutcome.refused("refused_target", r.getMessage()));
        }
        // resolved at every attempt, off the event loop; the connection goes to the address that was checked (DNS rebinding)
        return resolver.<InetAddress[]>executeBlocking(() -> InetAddress.getAllByName(target.host()), false).compose(resolved -> {
            InetAddress address;
            try {
                address = settings.targets().choose(target.host(), resolved);
            } catch (TargetPolicy.Refused r) {
                return Future.succeededFuture(DeliveryOutcome.refused("refused_target", r.getMessage()));
            }
            return post(target, address, keys, e, body);
        }, failure -> Future.succeededFuture(DeliveryOutcome.ofFailure(failure)));
    }

    private Future<DeliveryOutcome> post(TargetPolicy.Target target, InetAddress address, List<byte[]> keys, CrmEvent e, byte[] body) {
        RequestOptions options = new RequestOptions().setHost(target.host()).setPort(target.port()).setURI(target.requestUri())
                .setSsl(target.ssl());
        HttpRequest<Buffer> request = client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()), options)
                .idleTimeout(settings.requestTimeout().toMillis()) // an endpoint silent this long fails the attempt; not timeout(): ADR 036
                .followRedirects(false)
                .putHeader("content-type", CrmEvent.STRUCTURED_CONTENT_TYPE);
        WebhookSigner.headers(keys, e.id(), clock.instant(), body).forEach(request::putHeader);
        if (target.authorization() != null) {
            request.putHeader("authorization", target.authorization());
        }
        return request.as(BodyCodec.none()).sendBuffer(Buffer.buffer(body))
                .map(response -> DeliveryOutcome.ofStatus(response.statusCode()))
                .otherwise(DeliveryOutcome::ofFailure);
    }

    Future<Void> close() {
        client.close();
        return resolver.close();
    }
}
