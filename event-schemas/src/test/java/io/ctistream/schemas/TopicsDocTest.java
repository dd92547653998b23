package io.ctistream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps {@code docs/api/topics.md} equal to what the catalogue says. */
class TopicsDocTest {
    private static final Path DOC = Path.of("..", "docs", "api", "topics.md");

    @Test
    void theCommittedTopicsDocumentMatchesTheCatalogue() throws Exception {
        String rendered = TopicsDoc.render();
        if (Boolean.getBoolean("ctistream.docs.record")) {
            Files.createDirectories(DOC.getParent());
            Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
        }
        assertThat(DOC).as("docs/api/topics.md; re-render with -Dctistream.docs.record=true").exists();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).isEqualTo(rendered);
        for (CtiTopics t : CtiTopics.values()) {
            assertThat(rendered).contains("`" + t.topicName() + "`");
        }
    }
}
