package io.ctistream.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RSA keys an identity provider (Keycloak, Azure AD, ...) publishes at its JWKS URL, by key id.
 * Fetched at start and again when a token names a key id not seen yet (a key rotation), at most
 * once per {@code minInterval} (2 s in the pusher), so a stream of forged key ids cannot make us
 * hammer the provider.
 */
public final class Jwks implements Jwt.KeySource {
    private static final Logger LOG = LoggerFactory.getLogger(Jwks.class);

    private final URI url;
    private final Duration minInterval;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile long lastFetch = Long.MIN_VALUE / 2;
    private CompletableFuture<Void> inFlight;

    public Jwks(String url, Duration minInterval) {
        this.url = URI.create(url);
        this.minInterval = minInterval;
    }

    @Override
    public PublicKey rsaKey(String kid) {
        return keys.get(kid);
    }

    public int size() {
        return keys.size();
    }

    /** Fetches the key set unless that happened less than {@code minInterval} ago; completes when the keys are current. */
    public synchronized CompletableFuture<Void> refresh() {
        if (inFlight != null && !inFlight.isDone()) {
            return inFlight;
        }
        if (System.nanoTime() - lastFetch < minInterval.toNanos()) {
            return CompletableFuture.completedFuture(null);
        }
        lastFetch = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).header("accept", "application/json").GET().build();
        inFlight = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("JWKS [" + url + "] answered HTTP " + response.statusCode());
            }
            keys = parse(response.body());
            LOG.info("JWKS loaded [url={}, rsaKeys={}]", url, keys.size());
        }).exceptionally(e -> {
            LOG.warn("JWKS not loaded [url={}]: {}", url, e.getCause() == null ? e.toString() : e.getCause().toString());
            return null;
        });
        return inFlight;
    }

    /** The RSA signing keys of a JWKS document; other key types and encryption keys are skipped. Pure. */
    static Map<String, PublicKey> parse(String body) {
        Map<String, PublicKey> out = new HashMap<>();
        JsonArray list = new JsonObject(body).getJsonArray("keys", new JsonArray());
        for (Object o : list) {
            if (!(o instanceof JsonObject k) || !"RSA".equals(k.getString("kty")) || "enc".equals(k.getString("use")) || k.getString("kid") == null) {
                continue;
            }
            try {
                BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(k.getString("n")));
                BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(k.getString("e")));
                out.put(k.getString("kid"), KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e)));
            } catch (IllegalArgumentException | NullPointerException | java.security.GeneralSecurityException e) {
                LOG.warn("JWKS key [{}] skipped: {}", k.getString("kid"), e.toString());
            }
        }
        return Map.copyOf(out);
    }
}
