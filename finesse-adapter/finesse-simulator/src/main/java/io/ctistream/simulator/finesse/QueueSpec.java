package io.ctistream.simulator.finesse;

import java.util.List;

/**
 * A UCCE queue (skill group) and the agents assigned to it.
 *
 * @param id the PeripheralNumber, used in {@code /finesse/api/Queue/{id}}
 * @param members loginIds of the agents serving it
 */
public record QueueSpec(String id, String name, List<String> members) {
    public QueueSpec {
        members = List.copyOf(members);
    }
}
