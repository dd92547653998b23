package io.ctistream.embedded.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies the registry's id rules, find-or-create, validation and replay, without any I/O. */
class RegistryStoreTest {
    private static final String A = "{\"type\":\"record\",\"name\":\"A\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
    private static final String A_SPACED = "{ \"type\": \"record\", \"name\": \"A\", \"fields\": [ {\"name\": \"x\", \"type\": \"int\"} ] }";
    private static final String B = "{\"type\":\"record\",\"name\":\"B\",\"fields\":[{\"name\":\"y\",\"type\":\"string\"}]}";

    private final List<StoredVersion> journal = new ArrayList<>();
    private final RegistryStore store = new RegistryStore(journal::add, Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));

    private static RegistryStore.Request request(String artifactId, String content) {
        return new RegistryStore.Request(null, artifactId, "AVRO", content, "application/json", List.of());
    }

    @Test
    void globalIdsPerVersionContentIdsPerContent() {
        var a1 = store.create(request("a", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false).version();
        var b1 = store.create(request("b", B), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false).version();
        var a2 = store.create(request("other", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false).version();

        assertThat(List.of(a1.globalId(), b1.globalId(), a2.globalId())).containsExactly(1L, 2L, 3L);
        assertThat(a2.contentId()).as("same content under another artifact shares the content id").isEqualTo(a1.contentId());
        assertThat(b1.contentId()).isNotEqualTo(a1.contentId());
        assertThat(a1.groupId()).isEqualTo("default");
    }

    @Test
    void findOrCreateFindsCreateVersionCreatesFailRefuses() {
        var first = store.create(request("a", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        var found = store.create(request("a", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        var another = store.create(request("a", A), RegistryStore.IfExists.CREATE_VERSION, false);

        assertThat(first.created()).isTrue();
        assertThat(found.created()).isFalse();
        assertThat(found.version()).isEqualTo(first.version());
        assertThat(another.version().version()).isEqualTo("2");
        assertThat(store.version(null, "a", "branch=latest")).isEqualTo(another.version());
        assertThatThrownBy(() -> store.create(request("a", A), RegistryStore.IfExists.FAIL, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(409));
    }

    @Test
    void canonicalMatchIgnoresFormatting() {
        var first = store.create(request("a", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        assertThat(store.create(request("a", A_SPACED), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, true).version()).isEqualTo(first.version());
        assertThat(store.create(request("a", A_SPACED), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false).created()).isTrue();
    }

    @Test
    void invalidContentAndOtherTypesAreRefusedWith400AndNothingIsJournaled() {
        assertThatThrownBy(() -> store.create(request("x", "{\"type\":\"record\"}"), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("not a valid Avro schema");
                });
        assertThatThrownBy(() -> store.create(new RegistryStore.Request(null, "p", "PROTOBUF", "syntax = \"proto3\";", null, List.of()),
                RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(journal).isEmpty();
    }

    @Test
    void aVersionTheJournalCannotStoreNeverBecomesVisible() {
        RegistryStore failing = new RegistryStore(v -> {
            throw new RegistryException(503, "ServiceUnavailableException", "kafka is down");
        }, Clock.systemUTC());
        assertThatThrownBy(() -> failing.create(request("a", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(failing.versionCount()).isZero();
        assertThatThrownBy(() -> failing.byGlobalId(1)).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    @Test
    void replayRebuildsTheSameIdsAndContinuesAfterThem() {
        store.create(request("a", A), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        store.create(request("b", B), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);

        // WHEN a new store replays the journal (twice: replay is idempotent)
        List<StoredVersion> second = new ArrayList<>();
        RegistryStore restarted = new RegistryStore(second::add, Clock.systemUTC());
        journal.forEach(restarted::apply);
        journal.forEach(restarted::apply);

        // THEN lookups answer as before and new ids do not collide
        assertThat(restarted.byContentId(2).content()).isEqualTo(B);
        assertThat(restarted.byGlobalId(1).artifactId()).isEqualTo("a");
        assertThat(restarted.byContentHash(RegistryStore.sha256(A)).contentId()).isEqualTo(1);
        var next = restarted.create(request("c", "{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"X\"]}"), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        assertThat(next.version().globalId()).isEqualTo(3);
        assertThat(next.version().contentId()).isEqualTo(3);
    }

    @Test
    void referencesMustResolveAndTakePartInContentIdentity() {
        store.create(request("t.Inner", "{\"type\":\"record\",\"name\":\"Inner\",\"namespace\":\"t\",\"fields\":[]}"), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        String outer = "{\"type\":\"record\",\"name\":\"Outer\",\"namespace\":\"t\",\"fields\":[{\"name\":\"i\",\"type\":\"t.Inner\"}]}";
        var ref = new StoredVersion.Reference("default", "t.Inner", "1", "t.Inner");

        assertThatThrownBy(() -> store.create(request("outer", outer), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false))
                .as("without its reference the name is undefined").isInstanceOf(RegistryException.class);
        var created = store.create(new RegistryStore.Request(null, "outer", "AVRO", outer, null, List.of(ref)), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false);
        assertThat(created.version().references()).containsExactly(ref);
        assertThatThrownBy(() -> store.create(new RegistryStore.Request(null, "outer2", "AVRO", outer, null,
                List.of(new StoredVersion.Reference("default", "t.Inner", "9", "t.Inner"))), RegistryStore.IfExists.FIND_OR_CREATE_VERSION, false))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.getMessage()).contains("points nowhere"));
    }
}
