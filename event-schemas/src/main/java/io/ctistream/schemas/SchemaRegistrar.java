package io.ctistream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the value schema of every catalogued topic in an Apicurio Registry (v3 API), under
 * the same artifact id and with the same content the serializers use, with find-or-create: so a
 * deployment's schemas are visible (and checked by the registry's rules) before the first record
 * is written, and registering again is a no-op.
 */
public final class SchemaRegistrar {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistrar.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the registry holds for one topic after registration. */
    public record Registered(CtiTopics topic, String version, long globalId, long contentId) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String registryUrl;

    /** @param registryUrl the v3 API base, e.g. {@code http://localhost:8081/apis/registry/v3} */
    public SchemaRegistrar(String registryUrl) {
        this.registryUrl = registryUrl.endsWith("/") ? registryUrl.substring(0, registryUrl.length() - 1) : registryUrl;
    }

    public List<Registered> registerAll() throws IOException, InterruptedException {
        List<Registered> registered = new ArrayList<>();
        for (CtiTopics topic : CtiTopics.values()) {
            registered.add(register(topic));
        }
        LOG.info("registered [{}] value schemas in [{}]", registered.size(), registryUrl);
        return registered;
    }

    public Registered register(CtiTopics topic) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("artifactId", topic.valueArtifactId());
        body.put("artifactType", "AVRO");
        ObjectNode content = body.putObject("firstVersion").putObject("content");
        content.put("content", topic.valueSchema().toString()); // byte-identical to what the serializer sends
        content.put("contentType", "application/json");
        HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/groups/default/artifacts?ifExists=FIND_OR_CREATE_VERSION&canonical=false"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("registry refused the schema of [" + topic.topicName() + "] with status ["
                    + response.statusCode() + "]: " + detail(response.body()));
        }
        JsonNode version = JSON.readTree(response.body()).path("version");
        return new Registered(topic, version.path("version").asText(), version.path("globalId").asLong(), version.path("contentId").asLong());
    }

    private static String detail(String body) {
        try {
            JsonNode problem = JSON.readTree(body);
            return problem.hasNonNull("detail") ? problem.get("detail").asText() : body;
        } catch (IOException e) {
            return body.length() > 300 ? body.substring(0, 300) + "…" : body;
        }
    }
}
