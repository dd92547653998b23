package io.ctistream.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * An HTTP client of the admin API that holds it to its OpenAPI document: every answer is checked
 * against the operation's declared responses (status, media type and body schema, by Vert.x's
 * response validator), and every (operation, status) seen is counted, so a test can fail when the
 * document declares an answer no test ever got.
 */
final class ContractClient {
    static final Path DOCUMENT = Path.of("src/main/resources/" + AdminApi.DOCUMENT);

    /** An answer: its status, headers (lower-case names) and body. */
    record Answer(int status, Map<String, String> headers, String body) {
        JsonObject json() {
            return new JsonObject(body);
        }

        String header(String name) {
            return headers.get(name);
        }
    }

    private record Op(String id, String method, Pattern path, Set<String> codes, Set<String> problems) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final Map<String, Op> operations = new LinkedHashMap<>();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final ResponseValidator validator;

    ContractClient(Vertx vertx, int port) throws Exception {
        this.base = "http://127.0.0.1:" + port;
        OpenAPI api = parse();
        String server = api.getServers().get(0).getUrl();
        api.getPaths().forEach((template, item) -> item.readOperationsMap().forEach((method, op) -> {
            Pattern path = Pattern.compile(java.util.Arrays.stream((server + template).split("\\{[^}]+}", -1)).map(Pattern::quote)
                    .collect(java.util.stream.Collectors.joining("[^/]+")));
            Set<String> problems = new TreeSet<>();
            op.getResponses().forEach((code, response) -> {
                io.swagger.v3.oas.models.responses.ApiResponse r = response.get$ref() == null ? response
                        : api.getComponents().getResponses().get(response.get$ref().substring(response.get$ref().lastIndexOf('/') + 1));
                if (r.getContent() != null && r.getContent().containsKey(AdminRoutes.PROBLEM_JSON)) {
                    problems.add(code);
                }
            });
            operations.put(op.getOperationId(), new Op(op.getOperationId(), method.name(), path, new TreeSet<>(op.getResponses().keySet()), problems));
        }));
        validator = ResponseValidator.create(vertx, OpenAPIContract.from(vertx, AdminApi.forVertx(AdminApi.document())).await(30, TimeUnit.SECONDS));
    }

    /** The document parsed by swagger-parser (an implementation no one here wrote): it must read with no message at all. */
    static OpenAPI parse() throws Exception {
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(Files.readString(DOCUMENT), null, null);
        assertThat(result.getMessages()).as("swagger-parser's messages on " + DOCUMENT).isEmpty();
        return result.getOpenAPI();
    }

    Answer get(String path, String token) throws Exception {
        return send("GET", path, token, null, Map.of());
    }

    Answer send(String method, String path, String token, Object body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        String text = body == null ? null : body.toString();
        if (text != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Map<String, String> answerHeaders = new HashMap<>();
        response.headers().map().forEach((k, v) -> answerHeaders.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        Answer answer = new Answer(response.statusCode(), answerHeaders, response.body());
        check(method, path, answer);
        return answer;
    }

    /** The answer is one the document declares for the operation, in shape too; and it is counted. */
    private void check(String method, String path, Answer answer) {
        String rawPath = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        Op op = operations.values().stream().filter(o -> o.method().equals(method) && o.path().matcher(rawPath).matches()).findFirst()
                .orElseThrow(() -> new AssertionError(method + " " + path + " is no operation of the document"));
        String code = Integer.toString(answer.status());
        assertThat(op.codes()).as("%s %s answered %s: %s", method, path, code, answer.body()).contains(code);
        String type = answer.header("content-type");
        if (AdminRoutes.PROBLEM_JSON.equals(type)) {
            assertThat(op.problems()).as("%s %s: %s is declared as problem details", method, path, code).contains(code);
            type = "application/json"; // how the validator's copy of the document names it (AdminApi.forVertx)
        }
        ValidatableResponse response = type == null || answer.body().isEmpty() ? ValidatableResponse.create(answer.status())
                : ValidatableResponse.create(answer.status(), Buffer.buffer(answer.body()), type);
        try {
            validator.validate(response, op.id()).await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + " answered " + code + " that does not match the document: " + e.getMessage() + "\n"
                    + answer.body(), e);
        }
        seen.add(op.id() + " " + code);
    }

    /** Every (operation, status) the document declares, as "operationId status". */
    Set<String> declared() {
        Set<String> all = new TreeSet<>();
        operations.values().forEach(o -> o.codes().forEach(c -> all.add(o.id() + " " + c)));
        return all;
    }

    Set<String> seen() {
        return new TreeSet<>(seen);
    }

    Map<String, String> operationMethods() {
        Map<String, String> out = new LinkedHashMap<>();
        operations.values().forEach(o -> out.put(o.id(), o.method()));
        return out;
    }
}
