package io.ctistream.admin.store;

import io.ctistream.events.AdminAction;
import org.apache.avro.specific.SpecificRecord;

/**
 * One change to write: the resource's value before (null when created) and after (null when
 * deleted: a tombstone). {@link ChangeWriter} writes it and its audit record together.
 */
public record Change(Resource resource, String tenant, String id, SpecificRecord before, SpecificRecord after) {

    public Change {
        if (before == null && after == null) {
            throw new IllegalArgumentException("a change of [" + id + "] needs a value before or after it");
        }
    }

    public AdminAction action() {
        return before == null ? AdminAction.CREATED : after == null ? AdminAction.DELETED : AdminAction.UPDATED;
    }
}
