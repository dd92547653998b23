package io.ctistream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.embedded.testing.CtiKafkaExtension;
import io.ctistream.embedded.testing.TestKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies the registry's HTTP contract as the Apicurio serdes see it: create with
 * find-or-create, references, lookups by id, and clear errors for bad input and unknown ids.
 */
@ExtendWith(CtiKafkaExtension.class)
class EmbeddedSchemaRegistryIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADDRESS = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"t.reg\",\"fields\":[{\"name\":\"street\",\"type\":\"string\"}]}";
    private static final String PERSON = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t.reg\",\"fields\":[{\"name\":\"home\",\"type\":\"t.reg.Address\"}]}";

    @Test
    void invalidAvroIsRefusedWith400AndAMessage(TestKafka kafka) throws Exception {
        HttpResponse<String> response = create(kafka, "bad-" + System.nanoTime(), "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"nosuchtype\"}]}", null, "FIND_OR_CREATE_VERSION");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
        JsonObject problem = new JsonObject(response.body());
        assertThat(problem.getInteger("status")).isEqualTo(400);
        assertThat(problem.getString("detail")).contains("not a valid Avro schema").contains("nosuchtype");

        HttpResponse<String> notJson = create(kafka, "bad2-" + System.nanoTime(), "this is not json", null, "FIND_OR_CREATE_VERSION");
        assertThat(notJson.statusCode()).isEqualTo(400);
    }

    @Test
    void unknownIdsAnswer404(TestKafka kafka) throws Exception {
        for (String path : new String[] {"/ids/contentIds/987654", "/ids/globalIds/987654", "/ids/contentIds/987654/references",
                "/groups/default/artifacts/no-such-artifact/versions/branch%3Dlatest", "/ids/contentHashes/abc"}) {
            HttpResponse<String> response = get(kafka, path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(new JsonObject(response.body()).getString("detail")).as(path).isNotBlank();
        }
        assertThat(get(kafka, "/ids/contentIds/not-a-number").statusCode()).isEqualTo(400);
    }

    @Test
    void findOrCreateIsIdempotentAndReferencesResolve(TestKafka kafka) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        // GIVEN a nested type registered on its own, and a schema that references it by name
        JsonObject address = new JsonObject(create(kafka, "t.reg.Address-" + suffix, ADDRESS, null, "FIND_OR_CREATE_VERSION").body()).getJsonObject("version");
        JsonArray refs = new JsonArray().add(new JsonObject().put("groupId", "default").put("artifactId", "t.reg.Address-" + suffix)
                .put("version", address.getString("version")).put("name", "t.reg.Address"));
        HttpResponse<String> created = create(kafka, "person-" + suffix, PERSON, refs, "FIND_OR_CREATE_VERSION");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        JsonObject person = new JsonObject(created.body()).getJsonObject("version");

        // WHEN the same content is registered again
        JsonObject again = new JsonObject(create(kafka, "person-" + suffix, PERSON, refs, "FIND_OR_CREATE_VERSION").body()).getJsonObject("version");
        // THEN the same version comes back, not a new one
        assertThat(again.getLong("globalId")).isEqualTo(person.getLong("globalId"));
        assertThat(again.getLong("contentId")).isEqualTo(person.getLong("contentId"));
        assertThat(again.getString("version")).isEqualTo("1");

        // AND content and references resolve by content id and by global id
        assertThat(get(kafka, "/ids/contentIds/" + person.getLong("contentId")).body()).isEqualTo(PERSON);
        assertThat(get(kafka, "/ids/globalIds/" + person.getLong("globalId")).body()).isEqualTo(PERSON);
        JsonArray references = new JsonArray(get(kafka, "/ids/contentIds/" + person.getLong("contentId") + "/references").body());
        assertThat(references.getJsonObject(0).getString("name")).isEqualTo("t.reg.Address");
        assertThat(new JsonArray(get(kafka, "/ids/contentIds/" + address.getLong("contentId") + "/references").body())).isEmpty();

        // AND a reference to nothing is refused, and FAIL on an existing artifact is a conflict
        JsonArray dangling = new JsonArray().add(new JsonObject().put("artifactId", "nothing-" + suffix).put("version", "1").put("name", "t.reg.Address"));
        assertThat(create(kafka, "dangling-" + suffix, PERSON, dangling, "FIND_OR_CREATE_VERSION").statusCode()).isEqualTo(400);
        assertThat(create(kafka, "person-" + suffix, PERSON, refs, "FAIL").statusCode()).isEqualTo(409);
    }

    private static HttpResponse<String> create(TestKafka kafka, String artifactId, String content, JsonArray refs, String ifExists) throws Exception {
        JsonObject c = new JsonObject().put("content", content).put("contentType", "application/json");
        if (refs != null) {
            c.put("references", refs);
        }
        String body = content.startsWith("this is") ? content
                : new JsonObject().put("artifactId", artifactId).put("artifactType", "AVRO").put("firstVersion", new JsonObject().put("content", c)).encode();
        return HTTP.send(HttpRequest.newBuilder(URI.create(kafka.registryUrl() + "/groups/default/artifacts?ifExists=" + ifExists + "&canonical=false"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(TestKafka kafka, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(kafka.registryUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
