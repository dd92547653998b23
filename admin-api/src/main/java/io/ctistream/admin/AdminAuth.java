package io.ctistream.admin;

import io.ctistream.push.Jwks;
import io.ctistream.push.Jwt;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * Who is asking, from {@code Authorization: Bearer <JWT>}, verified as the push service verifies
 * its clients' tokens ({@link Jwt}: HS256 or RS256 from a JWKS, claims range-checked). Answers 401
 * for no token or a bad one, 403 for a role other than admin, and 404 for a tenant other than the
 * token's, so a token never learns whether another tenant's resource exists.
 */
final class AdminAuth {
    static final String PRINCIPAL = "principal";
    private static final String TENANTS = "/api/v1/tenants/";

    private final Jwt jwt;
    private final Jwks jwks;
    private final Clock clock;

    AdminAuth(Jwt jwt, Jwks jwks, Clock clock) {
        this.jwt = jwt;
        this.jwks = jwks;
        this.clock = clock;
    }

    /** The root handler: every request under {@code /api/v1/tenants/} is authenticated before it is validated or routed. */
    void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (!path.startsWith(TENANTS)) {
            ctx.next();
            return;
        }
        principal(ctx, ctx.request().getHeader("authorization")).onSuccess(p -> {
            if (p.role() != Jwt.Role.ADMIN) {
                ctx.fail(ApiProblem.forbidden("the admin API needs a token with role admin; this one is " + p.role().name().toLowerCase()));
                return;
            }
            String rest = path.substring(TENANTS.length());
            String tenant = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
            if (!tenant.equals(p.tenant())) {
                ctx.fail(ApiProblem.notFound("no such resource"));
                return;
            }
            ctx.put(PRINCIPAL, p);
            ctx.next();
        }).onFailure(ctx::fail);
    }

    private Future<Jwt.Principal> principal(RoutingContext ctx, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Future.failedFuture(ApiProblem.unauthorized("send Authorization: Bearer <token> with an admin token"));
        }
        String token = authorization.substring(7).trim();
        try {
            return Future.succeededFuture(jwt.verify(token, clock.instant()));
        } catch (Jwt.Refused refused) {
            if (!"UNKNOWN_KEY".equals(refused.code()) || jwks == null) {
                return Future.failedFuture(ApiProblem.unauthorized(refused.getMessage()));
            }
        }
        // a key id not seen yet: the provider may have rotated its keys; fetch them (rate-limited by Jwks) and try once more
        return Future.fromCompletionStage(jwks.refresh(), ctx.vertx().getOrCreateContext()).transform(ignored -> {
            try {
                return Future.succeededFuture(jwt.verify(token, clock.instant()));
            } catch (Jwt.Refused refused) {
                return Future.failedFuture(ApiProblem.unauthorized(refused.getMessage()));
            }
        });
    }
}
