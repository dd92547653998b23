package io.ctistream.admin;

import io.ctistream.admin.ApiProblem.FieldError;
import io.ctistream.admin.store.AdminView;
import io.ctistream.admin.store.Resource;
import io.ctistream.admin.store.ResourceJson;
import io.ctistream.push.Jwt;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's routes, made from the OpenAPI document by Vert.x's router builder: each
 * operation's parameters and body are validated against the document before its handler runs
 * (a failure is a 400 naming the field), after {@link AdminAuth} has checked the token.
 */
final class AdminRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    static final String PROBLEM_JSON = "application/problem+json";
    /** The document's server path. */
    static final String API_BASE = "/api/v1";
    private static final String OPERATION = "operation";
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
    /** Operation ids per resource: list, create, get, update, delete. */
    private static final Map<Resource, String[]> NAMES = Map.of(Resource.AGENT, new String[] {"Agents", "Agent"},
            Resource.TEAM, new String[] {"Teams", "Team"}, Resource.QUEUE, new String[] {"Queues", "Queue"},
            Resource.WEBHOOK_SUBSCRIPTION, new String[] {"WebhookSubscriptions", "WebhookSubscription"});

    private final AdminView view;
    private final Provisioning changes;
    private final AdminMetrics metrics;

    private AdminRoutes(AdminView view, Provisioning changes, AdminMetrics metrics) {
        this.view = view;
        this.changes = changes;
        this.metrics = metrics;
    }

    static Router create(Vertx vertx, OpenAPIContract contract, Buffer document, AdminAuth auth, AdminView view, Provisioning changes,
                         AdminMetrics metrics) {
        AdminRoutes routes = new AdminRoutes(view, changes, metrics);
        RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
        // Vert.x Web runs a route's body handler before user handlers; the body is bounded, and nothing is validated
        // or changed before AdminAuth has checked the token
        builder.rootHandler(BodyHandler.create().setBodyLimit(256 * 1024).setHandleFileUploads(false));
        builder.rootHandler(ctx -> {
            ctx.response().endHandler(v -> metrics.request(ctx.get(OPERATION, "none"), ctx.response().getStatusCode()));
            ctx.next();
        });
        builder.rootHandler(auth::handle);
        builder.getRoutes().forEach(r -> {
            r.setDoSecurity(false); // AdminAuth: the router builder's security would need vertx-auth providers for what Jwt does already
            String id = r.getOperation().getOperationId();
            r.addHandler(ctx -> {
                ctx.put(OPERATION, id);
                ctx.next();
            });
        });
        builder.getRoute("getOpenApiDocument").addHandler(ctx -> ctx.response().putHeader("content-type", "application/json").end(document));
        for (Resource r : Resource.values()) {
            String[] n = NAMES.get(r);
            builder.getRoute("list" + n[0]).addHandler(ctx -> routes.list(ctx, r));
            builder.getRoute("create" + n[1]).addHandler(ctx -> routes.create(ctx, r));
            builder.getRoute("get" + n[1]).addHandler(ctx -> routes.get(ctx, r));
            builder.getRoute("update" + n[1]).addHandler(ctx -> routes.update(ctx, r));
            builder.getRoute("delete" + n[1]).addHandler(ctx -> routes.delete(ctx, r));
        }
        builder.getRoute("rotateWebhookSecret").addHandler(routes::rotate);
        Router api = builder.createRouter();
        api.route().failureHandler(routes::failure);
        // the builder's routes are the document's paths; they sit under the document's server path, /api/v1
        Router router = Router.router(vertx);
        router.route(API_BASE + "/*").subRouter(api);
        router.errorHandler(404, ctx -> problem(ctx, ApiProblem.notFound("no such resource")));
        router.errorHandler(405, ctx -> problem(ctx, new ApiProblem(405, "Method Not Allowed", ctx.request().method() + " is not an operation of "
                + ctx.normalizedPath(), List.of())));
        return router;
    }

    private void list(RoutingContext ctx, Resource r) {
        Jwt.Principal who = ctx.get(AdminAuth.PRINCIPAL);
        JsonArray items = new JsonArray(view.list(r, who.tenant()).stream().map(ResourceJson::of).toList());
        json(ctx, 200, new JsonObject().put("items", items));
    }

    private void get(RoutingContext ctx, Resource r) {
        SpecificRecord record = view.get(r, id(ctx)).orElse(null);
        if (record == null) {
            problem(ctx, ApiProblem.notFound("no " + r.path() + " " + id(ctx)));
            return;
        }
        ctx.response().putHeader("etag", ResourceJson.etag(record));
        json(ctx, 200, ResourceJson.of(record));
    }

    private void create(RoutingContext ctx, Resource r) {
        Jwt.Principal who = ctx.get(AdminAuth.PRINCIPAL);
        answer(ctx, changes.create(who, r, ctx.body().asJsonObject()), stored -> {
            String id = ResourceJson.of(stored.record()).getString(r.idField());
            ctx.response().putHeader("location", "/api/v1/tenants/" + who.tenant() + "/" + r.path() + "/" + id.substring(id.indexOf('/') + 1));
            respond(ctx, 201, stored, r);
        });
    }

    private void update(RoutingContext ctx, Resource r) {
        Jwt.Principal who = ctx.get(AdminAuth.PRINCIPAL);
        answer(ctx, changes.update(who, r, id(ctx), ctx.request().getHeader("if-match"), ctx.body().asJsonObject()),
                stored -> respond(ctx, 200, stored, r));
    }

    private void delete(RoutingContext ctx, Resource r) {
        Jwt.Principal who = ctx.get(AdminAuth.PRINCIPAL);
        answer(ctx, changes.delete(who, r, id(ctx), ctx.request().getHeader("if-match")), v -> {
            metrics.change(r.name(), "DELETED");
            ctx.response().setStatusCode(204).end();
        });
    }

    private void rotate(RoutingContext ctx) {
        Jwt.Principal who = ctx.get(AdminAuth.PRINCIPAL);
        Buffer body = ctx.body().buffer();
        Integer grace = body == null || body.length() == 0 ? null : ctx.body().asJsonObject().getInteger("graceSeconds");
        answer(ctx, changes.rotate(who, id(ctx), grace), stored -> respond(ctx, 200, stored, Resource.WEBHOOK_SUBSCRIPTION));
    }

    /** The stored resource with its ETag; a webhook subscription whose secret was just made is answered with it, this once. */
    private void respond(RoutingContext ctx, int status, Provisioning.Stored stored, Resource r) {
        metrics.change(r.name(), status == 201 ? "CREATED" : "UPDATED");
        ctx.response().putHeader("etag", ResourceJson.etag(stored.record()));
        if (stored.secret() != null) {
            ctx.response().putHeader("cache-control", "no-store");
            json(ctx, status, new JsonObject().put("subscription", ResourceJson.of(stored.record())).put("secret", stored.secret()));
        } else {
            json(ctx, status, ResourceJson.of(stored.record()));
        }
    }

    private <T> void answer(RoutingContext ctx, CompletableFuture<T> change, java.util.function.Consumer<T> ok) {
        Future.fromCompletionStage(change, ctx.vertx().getOrCreateContext()).onSuccess(ok::accept).onFailure(ctx::fail);
    }

    /** The resource's id from the path: the token's tenant (checked by AdminAuth) and the name. */
    private static String id(RoutingContext ctx) {
        return ctx.pathParam("tenant") + "/" + ctx.pathParam("name");
    }

    private void failure(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        if (failure instanceof io.vertx.ext.web.handler.HttpException h && h.getCause() instanceof ValidatorException v) {
            failure = v; // how the router builder fails a request its validator refused
        }
        if (failure == null && ctx.statusCode() == 405) {
            problem(ctx, new ApiProblem(405, "Method Not Allowed", ctx.request().method() + " is not allowed here", List.of()));
        } else if (failure instanceof ApiProblem p) {
            problem(ctx, p);
        } else if (failure instanceof ValidatorException v) {
            ctx.put(OPERATION, operation(ctx));
            problem(ctx, ApiProblem.invalid(fields(v)));
        } else if (failure == null) {
            problem(ctx, new ApiProblem(ctx.statusCode(), "Error", null, List.of()));
        } else {
            LOG.error("admin request failed [method={}, path={}]: {}", ctx.request().method(), ctx.normalizedPath(), failure.toString(), failure);
            problem(ctx, new ApiProblem(500, "Internal Server Error", "the change may not have been made; the service log says why", List.of()));
        }
    }

    private static String operation(RoutingContext ctx) {
        Object op = ctx.currentRoute() == null ? null : ctx.currentRoute().getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
        return op instanceof Operation o ? o.getOperationId() : op instanceof String s ? s : ctx.get(OPERATION, "none");
    }

    /** Each field the document's schema found wrong, named as in the body ({@code teamId}, {@code queues.1}), with the validator's message. */
    static List<FieldError> fields(ValidatorException e) {
        Set<FieldError> leaves = new LinkedHashSet<>();
        if (e instanceof SchemaValidationException s && s.getOutputUnit() != null) {
            leaves(s.getOutputUnit(), leaves);
        }
        if (leaves.isEmpty()) {
            String message = e.getMessage() == null ? e.type().name() : e.getMessage();
            return List.of(new FieldError(message.toLowerCase(java.util.Locale.ROOT).contains("body") ? "body" : "request", message));
        }
        // one error per field: the validator also reports each enclosing keyword ("does not match ... schema") that failed
        Map<String, List<String>> byField = new java.util.LinkedHashMap<>();
        leaves.forEach(f -> byField.computeIfAbsent(f.field(), k -> new ArrayList<>()).add(f.message()));
        List<FieldError> out = new ArrayList<>();
        byField.forEach((field, messages) -> {
            List<String> specific = messages.stream().filter(m -> !m.contains("does not match")).distinct().toList();
            out.add(new FieldError(field, String.join("; ", specific.isEmpty() ? messages.subList(0, 1) : specific)));
        });
        return out;
    }

    private static void leaves(OutputUnit unit, Set<FieldError> out) {
        List<OutputUnit> errors = unit.getErrors();
        if (errors != null && !errors.isEmpty()) {
            errors.forEach(u -> leaves(u, out));
            return;
        }
        if (unit.getError() == null) {
            return;
        }
        String location = unit.getInstanceLocation() == null ? "" : unit.getInstanceLocation();
        String field = location.replaceFirst("^#", "").replaceFirst("^/", "").replace('/', '.');
        if (field.isEmpty() || unit.getKeywordLocation() != null && unit.getKeywordLocation().endsWith("required")) {
            Matcher m = QUOTED.matcher(unit.getError());
            String name = m.find() ? m.group(1) : null;
            field = name == null ? (field.isEmpty() ? "body" : field) : field.isEmpty() ? name : field + "." + name;
        }
        out.add(new FieldError(field, unit.getError()));
    }

    static void problem(RoutingContext ctx, ApiProblem p) {
        if (ctx.response().ended()) {
            return;
        }
        if (p.status() == 401) {
            ctx.response().putHeader("www-authenticate", "Bearer realm=\"ctistream-admin\"");
        }
        ctx.response().setStatusCode(p.status()).putHeader("content-type", PROBLEM_JSON).end(p.json().encode());
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }
}
