package io.ctistream.embedded.registry;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subset of the Apicurio Registry v3 REST API that the Apicurio serdes use, under
 * {@code /apis/registry/v3}: create an artifact (with {@code ifExists} and {@code canonical}),
 * artifact versions by expression and their content and references, and content by global id,
 * content id and content hash with their references. Errors are Apicurio problem details.
 * Anything else answers 404 with the path, so a client needing more says what.
 */
public final class RegistryApi {
    public static final String BASE = "/apis/registry/v3";
    /** Largest request body accepted: schemas are small, this is a guard, not a limit anyone should meet. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(RegistryApi.class);

    private final RegistryStore store;

    public RegistryApi(RegistryStore store) {
        this.store = store;
    }

    public Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        // writes go to kafka synchronously: keep them off the event loop
        router.post(BASE + "/groups/:groupId/artifacts").blockingHandler(this::createArtifact);
        router.get(BASE + "/groups/:groupId/artifacts").handler(this::listArtifacts);
        router.get(BASE + "/groups/:groupId/artifacts/:artifactId").handler(this::artifactMetadata);
        router.get(BASE + "/groups/:groupId/artifacts/:artifactId/versions").handler(this::listVersions);
        router.get(BASE + "/groups/:groupId/artifacts/:artifactId/versions/:version").handler(this::versionMetadata);
        router.get(BASE + "/groups/:groupId/artifacts/:artifactId/versions/:version/content").handler(this::versionContent);
        router.get(BASE + "/groups/:groupId/artifacts/:artifactId/versions/:version/references").handler(this::versionReferences);
        router.get(BASE + "/ids/globalIds/:id").handler(ctx -> content(ctx, store.byGlobalId(longParam(ctx, "id"))));
        router.get(BASE + "/ids/globalIds/:id/references").handler(ctx -> references(ctx, store.byGlobalId(longParam(ctx, "id"))));
        router.get(BASE + "/ids/contentIds/:id").handler(ctx -> content(ctx, store.byContentId(longParam(ctx, "id"))));
        router.get(BASE + "/ids/contentIds/:id/references").handler(ctx -> references(ctx, store.byContentId(longParam(ctx, "id"))));
        router.get(BASE + "/ids/contentHashes/:hash").handler(ctx -> content(ctx, store.byContentHash(param(ctx, "hash"))));
        router.get(BASE + "/ids/contentHashes/:hash/references").handler(ctx -> references(ctx, store.byContentHash(param(ctx, "hash"))));
        router.get(BASE + "/system/info").handler(ctx -> json(ctx, 200, new JsonObject()
                .put("name", "ctistream embedded registry")
                .put("description", "the Apicurio Registry v3 API subset the Apicurio serdes use; production runs a real Apicurio Registry")
                .put("version", "3-subset")));
        router.route().last().handler(ctx -> problem(ctx, 404, "NotFoundException",
                "the embedded registry does not serve [" + ctx.request().method() + " " + ctx.normalizedPath() + "]"));
        router.route().failureHandler(this::failure);
        return router;
    }

    private void createArtifact(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            throw RegistryException.badRequest("BadRequestException", "the request body is not a JSON object: " + e.getMessage());
        }
        if (body == null) {
            throw RegistryException.badRequest("BadRequestException", "the request body is empty");
        }
        JsonObject firstVersion = body.getJsonObject("firstVersion", new JsonObject());
        JsonObject content = firstVersion.getJsonObject("content", new JsonObject());
        var request = new RegistryStore.Request(param(ctx, "groupId"), body.getString("artifactId"), body.getString("artifactType"),
                content.getString("content"), content.getString("contentType"), references(content.getJsonArray("references")));
        var ifExists = enumParam(ctx.queryParams().get("ifExists"));
        boolean canonical = Boolean.parseBoolean(ctx.queryParams().get("canonical"));
        RegistryStore.Created created = store.create(request, ifExists, canonical);
        if (created.created()) {
            LOG.info("registered schema [{}/{}] version [{}] global id [{}] content id [{}]", created.version().groupId(),
                    created.version().artifactId(), created.version().version(), created.version().globalId(), created.version().contentId());
        }
        json(ctx, 200, new JsonObject()
                .put("artifact", artifactJson(store.versions(created.version().groupId(), created.version().artifactId())))
                .put("version", versionJson(created.version())));
    }

    private void listArtifacts(RoutingContext ctx) {
        String group = param(ctx, "groupId");
        JsonArray artifacts = new JsonArray();
        store.artifacts().getOrDefault(group, List.of()).forEach(a -> artifacts.add(artifactJson(store.versions(group, a))));
        json(ctx, 200, new JsonObject().put("count", artifacts.size()).put("artifacts", artifacts));
    }

    private void artifactMetadata(RoutingContext ctx) {
        json(ctx, 200, artifactJson(store.versions(param(ctx, "groupId"), param(ctx, "artifactId"))));
    }

    private void listVersions(RoutingContext ctx) {
        JsonArray versions = new JsonArray();
        store.versions(param(ctx, "groupId"), param(ctx, "artifactId")).forEach(v -> versions.add(versionJson(v)));
        json(ctx, 200, new JsonObject().put("count", versions.size()).put("versions", versions));
    }

    private void versionMetadata(RoutingContext ctx) {
        json(ctx, 200, versionJson(version(ctx)));
    }

    private void versionContent(RoutingContext ctx) {
        content(ctx, version(ctx));
    }

    private void versionReferences(RoutingContext ctx) {
        references(ctx, version(ctx));
    }

    private StoredVersion version(RoutingContext ctx) {
        return store.version(param(ctx, "groupId"), param(ctx, "artifactId"), param(ctx, "version"));
    }

    private static void content(RoutingContext ctx, StoredVersion v) {
        ctx.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, v.contentType())
                .putHeader("X-Registry-ArtifactType", v.artifactType())
                .end(v.content());
    }

    private static void references(RoutingContext ctx, StoredVersion v) {
        JsonArray refs = new JsonArray();
        v.references().forEach(r -> refs.add(new JsonObject().put("groupId", r.groupId()).put("artifactId", r.artifactId())
                .put("version", r.version()).put("name", r.name())));
        ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(refs.encode());
    }

    private static JsonObject versionJson(StoredVersion v) {
        return new JsonObject()
                .put("groupId", v.groupId())
                .put("artifactId", v.artifactId())
                .put("version", v.version())
                .put("globalId", v.globalId())
                .put("contentId", v.contentId())
                .put("artifactType", v.artifactType())
                .put("state", "ENABLED")
                .put("createdOn", v.createdOn().toString())
                .put("owner", "")
                .put("labels", new JsonObject());
    }

    private static JsonObject artifactJson(List<StoredVersion> versions) {
        StoredVersion first = versions.get(0);
        StoredVersion last = versions.get(versions.size() - 1);
        return new JsonObject()
                .put("groupId", first.groupId())
                .put("artifactId", first.artifactId())
                .put("artifactType", first.artifactType())
                .put("createdOn", first.createdOn().toString())
                .put("modifiedOn", last.createdOn().toString())
                .put("owner", "")
                .put("labels", new JsonObject());
    }

    private static List<StoredVersion.Reference> references(JsonArray array) {
        List<StoredVersion.Reference> refs = new ArrayList<>();
        if (array == null) {
            return refs;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonObject r = array.getJsonObject(i);
            if (r.getString("name") == null || r.getString("artifactId") == null) {
                throw RegistryException.badRequest("InvalidReferenceException", "a reference needs a name and an artifactId");
            }
            refs.add(new StoredVersion.Reference(r.getString("groupId", RegistryStore.DEFAULT_GROUP), r.getString("artifactId"),
                    r.getString("version"), r.getString("name")));
        }
        return refs;
    }

    private static RegistryStore.IfExists enumParam(String value) {
        if (value == null || value.isBlank()) {
            return RegistryStore.IfExists.FAIL; // the Apicurio default
        }
        try {
            return RegistryStore.IfExists.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw RegistryException.badRequest("BadRequestException", "ifExists must be one of FAIL, CREATE_VERSION, FIND_OR_CREATE_VERSION, not [" + value + "]");
        }
    }

    private static String param(RoutingContext ctx, String name) {
        // clients percent-encode segments such as branch%3Dlatest
        return URLDecoder.decode(ctx.pathParam(name), StandardCharsets.UTF_8);
    }

    private static long longParam(RoutingContext ctx, String name) {
        String raw = param(ctx, name);
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw RegistryException.badRequest("BadRequestException", "[" + name + "] must be a number, not [" + raw + "]");
        }
    }

    private void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof RegistryException e) {
            problem(ctx, e.status(), e.problemName(), e.getMessage());
        } else if (ctx.statusCode() == 413) {
            problem(ctx, 413, "PayloadTooLargeException", "the request body exceeds [" + MAX_BODY_BYTES + "] bytes");
        } else if (failure == null) {
            problem(ctx, ctx.statusCode(), "HttpException", "request failed with status [" + ctx.statusCode() + "]");
        } else {
            LOG.error("registry request [{} {}] failed", ctx.request().method(), ctx.normalizedPath(), failure);
            problem(ctx, 500, "InternalServerErrorException", "internal error: " + failure.getClass().getSimpleName());
        }
    }

    private static void problem(RoutingContext ctx, int status, String name, String detail) {
        if (ctx.response().ended()) {
            return;
        }
        LOG.info("registry answered [{}] to [{} {}]: {}", status, ctx.request().method(), ctx.request().uri(), detail);
        JsonObject problem = new JsonObject(Map.of("status", status, "title", detail, "detail", detail, "name", name,
                "type", "about:blank", "instance", ctx.normalizedPath()));
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json").end(problem.encode());
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
}
