package io.ctistream.connector.aes;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the AES adapter needs beyond the DMCC session itself (docs/config/connector-aes.md).
 *
 * @param switchName     the AES switch-connection name of the Communication Manager ({@code CM1}): device ids are asked for on it
 * @param monitorRate    device ids and monitors started per second at most, so a restart never storms AES
 * @param agentEvents    true when this AES release reports agent-state events on a station monitor; false (AES 6.2) polls only
 * @param pollInterval   how often every monitored agent's state is read with GetAgentState, spread across the agents
 *                       (ZERO: never, only after commands and calls); the baseline where agent events are missing
 * @param commandTimeout how long a SetAgentState may wait for its confirming event before a GetAgentState decides
 * @param readyMode      the work mode READY is asked in: {@code manualIn} (after-call work after each ACD call) or {@code autoIn}
 * @param queues         hunt group (skill) or VDN extension to the queue name the roster uses; an unmapped one is its extension
 * @param reasonLabels   AUX reason code to the label a wallboard shows
 */
public record AesConfig(String switchName, int monitorRate, boolean agentEvents, Duration pollInterval, Duration commandTimeout,
                        String readyMode, Map<String, String> queues, Map<String, String> reasonLabels) {
    public AesConfig {
        Objects.requireNonNull(switchName, "switchName");
        if (switchName.isBlank()) {
            throw new IllegalArgumentException("the AES switch-connection name is empty");
        }
        if (monitorRate <= 0) {
            throw new IllegalArgumentException("the monitor rate must be positive");
        }
        if (pollInterval.isNegative() || commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("the poll interval may be zero (off), the command timeout must be positive");
        }
        if (!readyMode.equals("manualIn") && !readyMode.equals("autoIn")) {
            throw new IllegalArgumentException("READY is asked in work mode manualIn or autoIn, not [" + readyMode + "]");
        }
        queues = Map.copyOf(queues);
        reasonLabels = Map.copyOf(reasonLabels);
    }

    /** Agent events on, a 30 s safety poll, 20 monitors per second. */
    public static AesConfig defaults(String switchName) {
        return new AesConfig(switchName, 20, true, Duration.ofSeconds(30), Duration.ofSeconds(5), "manualIn", Map.of(), Map.of());
    }

    public AesConfig withMonitorRate(int perSecond) {
        return new AesConfig(switchName, perSecond, agentEvents, pollInterval, commandTimeout, readyMode, queues, reasonLabels);
    }

    /** Polling: {@code events} false behaves as for AES 6.2 (no agent events), every agent read each {@code interval}. */
    public AesConfig withAgentEvents(boolean events, Duration interval) {
        return new AesConfig(switchName, monitorRate, events, interval, commandTimeout, readyMode, queues, reasonLabels);
    }

    public AesConfig withCommandTimeout(Duration timeout) {
        return new AesConfig(switchName, monitorRate, agentEvents, pollInterval, timeout, readyMode, queues, reasonLabels);
    }

    public AesConfig withQueues(Map<String, String> byExtension) {
        return new AesConfig(switchName, monitorRate, agentEvents, pollInterval, commandTimeout, readyMode, byExtension, reasonLabels);
    }

    public AesConfig withReasonLabels(Map<String, String> labels) {
        return new AesConfig(switchName, monitorRate, agentEvents, pollInterval, commandTimeout, readyMode, queues, labels);
    }
}
