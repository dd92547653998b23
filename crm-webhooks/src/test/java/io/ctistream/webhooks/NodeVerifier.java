package io.ctistream.webhooks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/node/verify.mjs}: the Standard Webhooks reference library (npm
 * {@code standardwebhooks@1.1.1}) verifies deliveries, so the signature is checked by code no one
 * here wrote. Needs {@code node} on the path and {@code npm ci} run in {@code crm-webhooks/src/test/node}.
 */
final class NodeVerifier {
    static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();

    private NodeVerifier() {
    }

    /** Why the verifier cannot run here, or null when it can. */
    static String unavailable() {
        if (!Files.isDirectory(DIR.resolve("node_modules").resolve("standardwebhooks"))) {
            return "node_modules missing: run `npm ci` in crm-webhooks/src/test/node (the Standard Webhooks reference library)";
        }
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : "node does not run";
        } catch (IOException e) {
            return "node is not installed (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The verifier's verdict: {@code {"verified": n, "failed": [...]}} and its exit code. */
    record Verdict(int exitCode, JsonObject output) {
        int verified() {
            return output.getInteger("verified", 0);
        }

        JsonArray failed() {
            return output.getJsonArray("failed", new JsonArray());
        }
    }

    /** Each delivery must verify with every secret. */
    static Verdict verify(List<TestReceiver.Delivery> deliveries, List<String> secrets, Path work) throws Exception {
        JsonArray list = new JsonArray();
        for (TestReceiver.Delivery d : deliveries) {
            JsonObject headers = new JsonObject();
            for (String name : List.of("webhook-id", "webhook-timestamp", "webhook-signature")) {
                headers.put(name, d.headers().get(name));
            }
            list.add(new JsonObject().put("headers", headers).put("body", Base64.getEncoder().encodeToString(d.body())));
        }
        Path input = Files.writeString(work.resolve("deliveries-" + System.nanoTime() + ".json"),
                new JsonObject().put("secrets", new JsonArray(secrets)).put("deliveries", list).encode(), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder("node", DIR.resolve("verify.mjs").toString(), input.toString()).directory(DIR.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("node verify.mjs did not finish");
        }
        String last = out.lines().reduce((a, b) -> b).orElse("{}");
        try {
            return new Verdict(p.exitValue(), new JsonObject(last));
        } catch (RuntimeException e) {
            throw new IllegalStateException("node verify.mjs said: " + out, e);
        }
    }
}
