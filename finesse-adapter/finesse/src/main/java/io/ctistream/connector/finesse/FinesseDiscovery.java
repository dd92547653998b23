package io.ctistream.connector.finesse;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.runtime.AgentDiscovery;
import io.ctistream.connector.finesse.codec.ApiError;
import io.ctistream.connector.finesse.codec.FinesseRestCodec;
import io.ctistream.connector.finesse.codec.FinesseTeam;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Lists the agents of Finesse teams for {@code ctistream roster discover finesse}: {@code GET
 * /finesse/api/Team/{id}} for each configured team, as a supervisor of those teams (or an
 * administrator) — the Team object summarises each user (loginId, names, extension). Side A is
 * asked first and side B when A is out of service or unreachable; a 401 is never retried, on
 * either side (Finesse locks an account out after repeated failures, protocols/finesse.md §8).
 * The result is what a person reviews as a roster diff; nothing is written here.
 */
public final class FinesseDiscovery implements AgentDiscovery {
    /** The credential reference a discovered agent is given: its entry in the credentials file, to be filled in by the operator. */
    static final String CREDENTIAL_PREFIX = "finesse/";

    private final FinesseConfig config;
    private final List<String> teams;
    private final String credentialRef;
    private final FinesseCredentials.Secret secret;

    /**
     * @param teams         the Finesse team ids to list
     * @param credentialRef the reference of the supervisor's or administrator's sign-in, named in messages (never the secret)
     * @param secret        that sign-in
     */
    public FinesseDiscovery(FinesseConfig config, List<String> teams, String credentialRef, FinesseCredentials.Secret secret) {
        if (teams.isEmpty()) {
            throw new IllegalArgumentException("no Finesse team to list");
        }
        this.config = config;
        this.teams = List.copyOf(teams);
        this.credentialRef = credentialRef;
        this.secret = secret;
    }

    @Override
    public List<Agent> discover(Duration timeout) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (FinesseRest rest = new FinesseRest(vertx, config)) {
            List<Agent> agents = new ArrayList<>();
            for (String team : teams) {
                FinesseTeam t = team(rest, team, timeout);
                for (FinesseTeam.Member m : t.users()) {
                    Map<String, String> attributes = new LinkedHashMap<>();
                    if (m.extension() != null) {
                        attributes.put("extension", m.extension());
                    }
                    agents.add(new Agent(m.loginId(), m.displayName(), t.id(), t.name(), CREDENTIAL_PREFIX + m.loginId(), attributes));
                }
            }
            return agents;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private FinesseTeam team(FinesseRest rest, String team, Duration timeout) throws Exception {
        String path = "/finesse/api/Team/" + team;
        List<String> failures = new ArrayList<>();
        for (URI node : config.nodes()) {
            FinesseRest.Response r;
            try {
                r = rest.get(node, path, secret).toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                failures.add(node.getHost() + ":" + node.getPort() + " unreachable (" + (e.getCause() != null ? e.getCause().getMessage() : "no answer in " + timeout) + ")");
                continue; // the other side may serve
            }
            if (r.status() == 200) {
                try {
                    return FinesseRestCodec.team(r.body());
                } catch (MalformedBodyException e) {
                    throw new IllegalStateException("Finesse team [" + team + "] on " + node.getHost() + ": the answer is not a Team ("
                            + e.getMessage() + ")");
                }
            }
            ApiError error = FinesseRestCodec.error(r.status(), r.contentType(), r.body());
            String why = r.status() + " " + error.type() + (error.message() == null ? "" : ": " + error.message());
            if (r.status() == 401) {
                throw new IllegalStateException("Finesse refused the sign-in of credential [" + credentialRef + "] for team [" + team
                        + "] (" + why + "); not retried, Finesse locks accounts out. It must be a supervisor of the team or an administrator");
            }
            if (r.status() == 404) {
                throw new IllegalStateException("Finesse has no team [" + team + "] (" + why + ")");
            }
            failures.add(node.getHost() + ":" + node.getPort() + " answered " + why);
        }
        throw new IllegalStateException("no Finesse side listed team [" + team + "]: " + String.join("; ", failures));
    }
}
