package io.ctistream.push;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.CommandResult;
import io.ctistream.push.Jwt.Principal;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Commands in flight on this instance, and the ones a client made idempotent (issue #19 (5)). A
 * command with an {@code idempotencyKey} is remembered per principal until its deadline (plus the
 * 2 s the pusher waits before answering TIMED_OUT itself): a repeat in that window — on any
 * connection of the same principal — is not sent again but answered with the first command's id
 * and, when it comes, its result. Its command id is derived from the principal and the key, so
 * another pusher instance sends the same id and the connector (which executes an id once) still
 * runs it once. Memory is bounded per principal and per instance; beyond, a keyed command is
 * refused ({@code RATE_LIMITED}). The waiting lives here, not in the connection, so a client that
 * reconnects after a lost answer still gets the result.
 */
final class CommandTracker {
    /** How long after its deadline a command nobody answered is answered TIMED_OUT here. */
    static final long ANSWER_GRACE_MILLIS = 2_000;

    record Outcome(String commandId, String status, String code, String message) {
    }

    /** One command: {@code accepted} once Kafka has it (failed when it could not be queued), then its one outcome. */
    record Tracked(String commandId, String fingerprint, CompletableFuture<Void> accepted, CompletableFuture<Outcome> result) {
    }

    /** What {@link #issue} did: sent a new command, found the first one for a repeat, or refused. */
    record Issue(Tracked tracked, boolean repeat, ErrorCode refusal, String message) {
    }

    private final Vertx vertx;
    private final CommandRelay relay;
    private final int maxPerPrincipal;
    private final int max;
    private final Map<String, Tracked> byKey = new HashMap<>();
    private final Map<String, Integer> perPrincipal = new HashMap<>();

    CommandTracker(Vertx vertx, CommandRelay relay, PushLimits limits) {
        this.vertx = vertx;
        this.relay = relay;
        this.maxPerPrincipal = limits.maxIdempotencyKeysPerPrincipal();
        this.max = limits.maxIdempotencyKeys();
    }

    /**
     * @param key the client's idempotency key, or null for a command that is not idempotent
     * @param fingerprint what the command asks (agent and command object): a key reused for another command is refused
     * @param command builds the command with the id it gets
     */
    Issue issue(Principal p, String key, String fingerprint, long timeoutMillis, Function<String, AgentCommand> command) {
        String principal = p.tenant() + "\u0000" + p.subject();
        String slot = key == null ? null : principal + "\u0000" + key;
        Tracked tracked;
        synchronized (this) {
            if (slot != null) {
                Tracked first = byKey.get(slot);
                if (first != null) {
                    return first.fingerprint().equals(fingerprint) ? new Issue(first, true, null, null)
                            : new Issue(null, false, ErrorCode.BAD_COMMAND, "this idempotency key was used for another command");
                }
                if (byKey.size() >= max || perPrincipal.getOrDefault(principal, 0) >= maxPerPrincipal) {
                    return new Issue(null, false, ErrorCode.RATE_LIMITED, "too many idempotent commands in flight; at most "
                            + maxPerPrincipal + " per user");
                }
            }
            String commandId = slot == null ? UUID.randomUUID().toString() : UUID.nameUUIDFromBytes(slot.getBytes(StandardCharsets.UTF_8)).toString();
            tracked = new Tracked(commandId, fingerprint, new CompletableFuture<>(), new CompletableFuture<>());
            if (slot != null) {
                byKey.put(slot, tracked);
                perPrincipal.merge(principal, 1, Integer::sum);
            }
        }
        AgentCommand c = command.apply(tracked.commandId());
        vertx.setTimer(timeoutMillis + ANSWER_GRACE_MILLIS, t -> {
            relay.forget(tracked.commandId());
            tracked.result().complete(new Outcome(tracked.commandId(), "TIMED_OUT", "NO_ANSWER", "no connector answered for " + c.getAgentId() + " in time"));
            forget(principal, slot, tracked);
        });
        relay.send(c, (CommandResult r) -> tracked.result().complete(new Outcome(tracked.commandId(), r.getStatus().name(), r.getCode(), r.getMessage())))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        forget(principal, slot, tracked); // not queued: a retry may try again
                        tracked.accepted().completeExceptionally(e);
                    } else {
                        tracked.accepted().complete(null);
                    }
                });
        return new Issue(tracked, false, null, null);
    }

    private synchronized void forget(String principal, String slot, Tracked tracked) {
        if (slot != null && byKey.remove(slot, tracked)) {
            perPrincipal.computeIfPresent(principal, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Idempotency keys remembered now. */
    synchronized int remembered() {
        return byKey.size();
    }
}
