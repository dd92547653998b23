package io.ctistream.embedded.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * The registry's model: artifacts, their versions and the content behind them, with the id
 * rules of Apicurio Registry v3 (a global id per version, a content id per distinct content).
 * It holds no I/O: every new version goes through the {@code journal} before it is applied, and
 * a restarted registry rebuilds itself by {@link #apply(StoredVersion) applying} the journal.
 *
 * <p>Only AVRO artifacts are stored; content must parse as an Avro schema, with its references
 * resolved, or it is refused with a 400.
 */
public final class RegistryStore {
    public static final String DEFAULT_GROUP = "default";
    public static final String AVRO = "AVRO";

    /** What to do when the artifact exists already (Apicurio's {@code ifExists}). */
    public enum IfExists { FAIL, CREATE_VERSION, FIND_OR_CREATE_VERSION }

    /** A new artifact version asked for. */
    public record Request(String groupId, String artifactId, String artifactType, String content, String contentType,
                          List<StoredVersion.Reference> references) {
        public Request {
            groupId = groupId == null || groupId.isBlank() ? DEFAULT_GROUP : groupId;
            references = references == null ? List.of() : List.copyOf(references);
        }
    }

    /** The outcome of a create: the version, and whether it was created now. */
    public record Created(StoredVersion version, boolean created) {
    }

    private final Consumer<StoredVersion> journal;
    private final Clock clock;
    private final Map<Long, StoredVersion> byGlobalId = new HashMap<>();
    private final Map<Long, StoredVersion> firstByContentId = new HashMap<>();
    private final Map<String, Long> contentIdByKey = new HashMap<>();
    private final Map<String, Long> contentIdByHash = new HashMap<>();
    private final Map<String, List<StoredVersion>> versionsByArtifact = new LinkedHashMap<>();
    private long maxGlobalId;
    private long maxContentId;

    /**
     * @param journal persists a new version durably before it becomes visible; it throws if it cannot
     */
    public RegistryStore(Consumer<StoredVersion> journal, Clock clock) {
        this.journal = journal;
        this.clock = clock;
    }

    /** Applies a version read back from the journal (replay at start). Idempotent. */
    public synchronized void apply(StoredVersion v) {
        if (byGlobalId.containsKey(v.globalId())) {
            return;
        }
        byGlobalId.put(v.globalId(), v);
        firstByContentId.putIfAbsent(v.contentId(), v);
        contentIdByKey.putIfAbsent(contentKey(v.content(), v.references()), v.contentId());
        contentIdByHash.putIfAbsent(sha256(v.content()), v.contentId());
        versionsByArtifact.computeIfAbsent(artifactKey(v.groupId(), v.artifactId()), k -> new ArrayList<>()).add(v);
        maxGlobalId = Math.max(maxGlobalId, v.globalId());
        maxContentId = Math.max(maxContentId, v.contentId());
    }

    /** Creates an artifact, or a version of an existing one, following {@code ifExists}. */
    public synchronized Created create(Request request, IfExists ifExists, boolean canonical) {
        String type = request.artifactType() == null ? AVRO : request.artifactType();
        if (!AVRO.equals(type)) {
            throw RegistryException.badRequest("InvalidArtifactTypeException",
                    "the embedded registry stores AVRO artifacts only, not [" + type + "]");
        }
        if (request.artifactId() == null || request.artifactId().isBlank()) {
            throw RegistryException.badRequest("InvalidArtifactIdException", "artifactId is required");
        }
        if (request.content() == null || request.content().isBlank()) {
            throw RegistryException.badRequest("InvalidContentException", "the artifact content is empty");
        }
        Schema parsed = parse(request.content(), request.references());
        List<StoredVersion> existing = versionsByArtifact.getOrDefault(artifactKey(request.groupId(), request.artifactId()), List.of());
        if (!existing.isEmpty()) {
            switch (ifExists) {
                case FAIL -> throw new RegistryException(409, "ArtifactAlreadyExistsException",
                        "artifact [" + request.groupId() + "/" + request.artifactId() + "] already exists");
                case FIND_OR_CREATE_VERSION -> {
                    Optional<StoredVersion> same = existing.stream()
                            .filter(v -> sameContent(v, request, parsed, canonical))
                            .reduce((first, second) -> second);
                    if (same.isPresent()) {
                        return new Created(same.get(), false);
                    }
                }
                case CREATE_VERSION -> { /* fall through to a new version */ }
            }
        }
        String key = contentKey(request.content(), request.references());
        long contentId = contentIdByKey.getOrDefault(key, maxContentId + 1);
        StoredVersion version = new StoredVersion(maxGlobalId + 1, contentId, request.groupId(), request.artifactId(),
                Integer.toString(existing.size() + 1), type,
                request.contentType() == null ? "application/json" : request.contentType(),
                request.content(), request.references(), clock.instant());
        journal.accept(version); // durable first, visible second
        apply(version);
        return new Created(version, true);
    }

    public synchronized StoredVersion byGlobalId(long globalId) {
        StoredVersion v = byGlobalId.get(globalId);
        if (v == null) {
            throw RegistryException.notFound("ArtifactNotFoundException", "no artifact version with global id [" + globalId + "]");
        }
        return v;
    }

    public synchronized StoredVersion byContentId(long contentId) {
        StoredVersion v = firstByContentId.get(contentId);
        if (v == null) {
            throw RegistryException.notFound("ContentNotFoundException", "no content with content id [" + contentId + "]");
        }
        return v;
    }

    public synchronized StoredVersion byContentHash(String sha256) {
        Long contentId = contentIdByHash.get(sha256.toLowerCase());
        if (contentId == null) {
            throw RegistryException.notFound("ContentNotFoundException", "no content with hash [" + sha256 + "]");
        }
        return firstByContentId.get(contentId);
    }

    /** All versions of an artifact, oldest first. */
    public synchronized List<StoredVersion> versions(String groupId, String artifactId) {
        List<StoredVersion> versions = versionsByArtifact.get(artifactKey(group(groupId), artifactId));
        if (versions == null) {
            throw RegistryException.notFound("ArtifactNotFoundException", "no artifact [" + group(groupId) + "/" + artifactId + "]");
        }
        return List.copyOf(versions);
    }

    /**
     * One version by expression: a version string, {@code latest}, or {@code branch=latest}
     * (the only branch this registry knows).
     */
    public synchronized StoredVersion version(String groupId, String artifactId, String expression) {
        List<StoredVersion> versions = versions(groupId, artifactId);
        if ("latest".equals(expression) || "branch=latest".equals(expression)) {
            return versions.get(versions.size() - 1);
        }
        if (expression.startsWith("branch=")) {
            throw RegistryException.notFound("BranchNotFoundException", "no branch [" + expression.substring(7) + "]; the embedded registry has only 'latest'");
        }
        return versions.stream().filter(v -> v.version().equals(expression)).findFirst()
                .orElseThrow(() -> RegistryException.notFound("VersionNotFoundException",
                        "no version [" + expression + "] of artifact [" + group(groupId) + "/" + artifactId + "]"));
    }

    /** Group ids with their artifact ids, for listing. */
    public synchronized Map<String, List<String>> artifacts() {
        Map<String, List<String>> result = new LinkedHashMap<>();
        for (List<StoredVersion> versions : versionsByArtifact.values()) {
            StoredVersion v = versions.get(0);
            result.computeIfAbsent(v.groupId(), g -> new ArrayList<>()).add(v.artifactId());
        }
        return result;
    }

    public synchronized int versionCount() {
        return byGlobalId.size();
    }

    /** Parses content with its references (recursively) known to the parser; refuses what is not Avro. */
    private Schema parse(String content, List<StoredVersion.Reference> references) {
        Schema.Parser parser = new Schema.Parser();
        for (StoredVersion.Reference ref : references) {
            addReference(parser, ref, 0);
        }
        try {
            return parser.parse(content);
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryException.badRequest("InvalidContentException", "content is not a valid Avro schema: " + e.getMessage());
        } catch (RuntimeException e) {
            throw RegistryException.badRequest("InvalidContentException", "content is not a valid Avro schema: " + e.getMessage());
        }
    }

    private void addReference(Schema.Parser parser, StoredVersion.Reference ref, int depth) {
        if (depth > 32) {
            throw RegistryException.badRequest("InvalidReferenceException", "references nest deeper than 32 levels");
        }
        StoredVersion target;
        try {
            target = version(ref.groupId(), ref.artifactId(), ref.version() == null ? "latest" : ref.version());
        } catch (RegistryException e) {
            throw RegistryException.badRequest("InvalidReferenceException", "reference [" + ref.name() + "] points nowhere: " + e.getMessage());
        }
        for (StoredVersion.Reference nested : target.references()) {
            addReference(parser, nested, depth + 1);
        }
        if (parser.getTypes().containsKey(ref.name())) {
            return;
        }
        try {
            parser.parse(target.content());
        } catch (RuntimeException e) {
            // already defined through another path: the parser refuses redefinition, which is fine
            if (!(e instanceof SchemaParseException) || !String.valueOf(e.getMessage()).contains("redefine")) {
                throw RegistryException.badRequest("InvalidReferenceException", "referenced schema [" + ref.name() + "] does not parse: " + e.getMessage());
            }
        }
    }

    private boolean sameContent(StoredVersion v, Request request, Schema parsed, boolean canonical) {
        if (!v.references().equals(request.references())) {
            return false;
        }
        if (v.content().equals(request.content())) {
            return true;
        }
        return canonical && parse(v.content(), v.references()).equals(parsed);
    }

    private static String group(String groupId) {
        return groupId == null || groupId.isBlank() ? DEFAULT_GROUP : groupId;
    }

    private static String artifactKey(String groupId, String artifactId) {
        return groupId + "\u0000" + artifactId;
    }

    private static String contentKey(String content, List<StoredVersion.Reference> references) {
        return sha256(content) + references;
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
