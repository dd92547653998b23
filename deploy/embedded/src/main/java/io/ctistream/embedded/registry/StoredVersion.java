package io.ctistream.embedded.registry;

import java.time.Instant;
import java.util.List;

/**
 * One version of one artifact, as the registry persists it: the unit of its log.
 *
 * @param globalId    unique per version, across all artifacts
 * @param contentId   unique per distinct content (text plus references), shared by versions with equal content
 */
public record StoredVersion(long globalId, long contentId, String groupId, String artifactId, String version,
                            String artifactType, String contentType, String content, List<Reference> references,
                            Instant createdOn) {

    public StoredVersion {
        references = List.copyOf(references);
    }

    /** A named pointer from a schema to another artifact version it uses (a nested Avro type). */
    public record Reference(String groupId, String artifactId, String version, String name) {
    }
}
