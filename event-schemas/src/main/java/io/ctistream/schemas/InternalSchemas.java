package io.ctistream.schemas;

import io.ctistream.events.internal.AgentProjection;
import io.ctistream.events.internal.QueueCall;
import io.ctistream.events.internal.QueueProjection;
import io.ctistream.events.internal.QueueSignal;
import io.ctistream.events.internal.TeamMemberDelta;
import io.ctistream.events.internal.TeamEntry;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Schemas of the engine's store and repartition values. They are not a public contract, but
 * state-store changelogs outlive upgrades, so they evolve under the same backward-compatibility
 * gate as the topic schemas.
 */
public final class InternalSchemas {
    private InternalSchemas() {
    }

    public static List<Schema> all() {
        return List.of(AgentProjection.getClassSchema(), QueueProjection.getClassSchema(), QueueCall.getClassSchema(),
                QueueSignal.getClassSchema(), TeamEntry.getClassSchema(), TeamMemberDelta.getClassSchema());
    }
}
