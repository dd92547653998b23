package io.ctistream.push;

import io.ctistream.push.Jwt.Principal;

/**
 * What a principal may read (DESIGN.md section 5): an agent its own agent; a supervisor its teams,
 * their agents and the queues; a wallboard teams and queues; an admin everything; nobody another
 * tenant's keys. Pure.
 */
final class Scopes {
    private Scopes() {
    }

    /** @param entry the current value of an agent topic (its team decides a supervisor's access), or null */
    static boolean canRead(Principal p, String kind, String key, StateView.Entry entry) {
        if (!key.startsWith(p.tenant() + "/")) {
            return false;
        }
        return switch (p.role()) {
            case ADMIN -> true;
            case WALLBOARD -> kind.equals("team") || kind.equals("queue");
            case AGENT -> kind.equals("agent") && key.equals(p.agentId());
            case SUPERVISOR -> switch (kind) {
                case "team" -> p.teams().contains(key);
                case "queue" -> true;
                case "agent" -> entry != null && entry.data() != null && p.teams().contains(entry.data().getString("teamId"));
                default -> false;
            };
        };
    }

    /** Who may change an agent's state: the agent itself, a supervisor of its team, an admin of its tenant. */
    static boolean canCommand(Principal p, String agentId, StateView.Entry agent) {
        if (!agentId.startsWith(p.tenant() + "/")) {
            return false;
        }
        return switch (p.role()) {
            case ADMIN -> true;
            case AGENT -> agentId.equals(p.agentId());
            case SUPERVISOR -> agent != null && agent.data() != null && p.teams().contains(agent.data().getString("teamId"));
            case WALLBOARD -> false;
        };
    }
}
