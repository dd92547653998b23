package io.ctistream.webhooks;

import io.ctistream.events.WebhookSecret;
import io.ctistream.events.WebhookSubscription;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com/, symmetric {@code v1}): pure, no I/O.
 *
 * <p>{@code webhook-signature} = {@code v1,} + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
 * one per secret, space-separated; the key is the base64 decoding of what follows {@code whsec_}.
 * Secrets are never part of a message this class throws.
 */
public final class WebhookSigner {
    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    public static final String SECRET_PREFIX = "whsec_";
    /** Key lengths the subscription schema allows (24 to 64 random bytes). */
    static final int MIN_KEY_BYTES = 24;
    static final int MAX_KEY_BYTES = 64;
    private static final String HMAC = "HmacSHA256";

    private WebhookSigner() {
    }

    /** A secret that is not {@code whsec_} + base64 of 24 to 64 bytes; the message never holds the secret. */
    public static final class InvalidSecret extends IllegalArgumentException {
        InvalidSecret(String message) {
            super(message);
        }
    }

    /** A new secret: {@code whsec_} + base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The HMAC key of a Standard Webhooks secret ({@code whsec_} prefix optional, as the reference libraries accept). */
    public static byte[] key(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new InvalidSecret("the secret is empty");
        }
        String b64 = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new InvalidSecret("the secret is not whsec_ followed by base64");
        }
        if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
            throw new InvalidSecret("the secret holds " + key.length + " bytes; 24 to 64 are needed");
        }
        return key;
    }

    /** One {@code v1,<base64>} signature. */
    public static String signature(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** The three headers for a delivery signed with every key in {@code keys} (one signature each, in order). */
    public static Map<String, String> headers(List<byte[]> keys, String id, Instant timestamp, byte[] body) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a delivery needs at least one signing key");
        }
        long ts = timestamp.getEpochSecond();
        List<String> signatures = new ArrayList<>(keys.size());
        for (byte[] key : keys) {
            signatures.add(signature(key, id, ts, body));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID, id);
        headers.put(TIMESTAMP, Long.toString(ts));
        headers.put(SIGNATURE, String.join(" ", signatures));
        return headers;
    }

    /** The secrets of {@code subscription} that sign at {@code now}: those without an end, or ending after now. */
    public static List<String> activeSecrets(WebhookSubscription subscription, Instant now) {
        List<String> active = new ArrayList<>();
        for (WebhookSecret s : subscription.getSecrets()) {
            if (s.getExpiresAt() == null || s.getExpiresAt().isAfter(now)) {
                active.add(s.getSecret());
            }
        }
        return active;
    }

    /**
     * What a receiver does: true when the timestamp is within {@code tolerance} of {@code now} and
     * any {@code v1} signature of the header matches any of {@code secrets}. Constant-time comparison.
     */
    public static boolean verify(List<String> secrets, String id, String timestamp, byte[] body, String signatureHeader, Instant now,
                                 Duration tolerance) {
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds()) {
            return false;
        }
        for (String secret : secrets) {
            byte[] expected = signature(key(secret), id, ts, body).getBytes(StandardCharsets.US_ASCII);
            for (String candidate : signatureHeader.trim().split(" +")) {
                if (MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
        }
        return false;
    }
}
