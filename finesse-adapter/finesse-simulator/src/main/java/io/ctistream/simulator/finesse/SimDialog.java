package io.ctistream.simulator.finesse;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One voice call at one agent; touched only on the simulator's event loop. */
final class SimDialog {
    final String id;
    final String agentId;
    final String fromAddress;
    final String toAddress;
    /** ACD_IN for a routed call, OUT for MAKE_CALL ([I]: Cisco's example shows AGENT_INSIDE). */
    final String callType;
    final String queueId;
    final String queueName;
    final Map<String, String> callVariables = new LinkedHashMap<>();
    final Instant startTime;
    /** INITIATING, INITIATED, ALERTING, ACTIVE, DROPPED. */
    String state;
    /** The agent's participant: INITIATED, ALERTING, ACTIVE, HELD, DROPPED. */
    String agentState;
    Instant agentStateChangeTime;
    /** The far party's participant state. */
    String otherState;

    SimDialog(String id, String agentId, String fromAddress, String toAddress, String callType, String queueId, String queueName,
              Instant startTime) {
        this.id = id;
        this.agentId = agentId;
        this.fromAddress = fromAddress;
        this.toAddress = toAddress;
        this.callType = callType;
        this.queueId = queueId;
        this.queueName = queueName;
        this.startTime = startTime;
        this.agentStateChangeTime = startTime;
    }

    boolean inbound() {
        return !"OUT".equals(callType);
    }

    /** The actions the agent's participant allows (§5): clients validate against these. */
    List<String> actions() {
        return switch (agentState) {
            case "ALERTING" -> List.of("ANSWER");
            case "ACTIVE" -> List.of("HOLD", "DROP", "UPDATE_CALL_DATA", "CONSULT_CALL");
            case "HELD" -> List.of("RETRIEVE", "DROP", "UPDATE_CALL_DATA");
            case "INITIATING", "INITIATED" -> List.of("DROP", "UPDATE_CALL_DATA");
            default -> List.of();
        };
    }
}
