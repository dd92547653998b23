package io.ctistream.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verifies the secrets file every connector reads: fields per reference, and errors that name keys, never values. */
class SecretsFileTest {
    @TempDir
    Path dir;

    @Test
    void fieldsAreGroupedByReference() throws Exception {
        Path f = Files.writeString(dir.resolve("creds.properties"), "a1.loginId=1234\na1.password=s3cret\nb.2.password=other\n");
        var secrets = SecretsFile.read("CTISTREAM_X_CREDENTIALS_FILE", f.toString(), List.of("loginId", "password"));
        assertThat(secrets.get("a1")).containsEntry("loginId", "1234").containsEntry("password", "s3cret");
        assertThat(secrets.get("b.2")).containsEntry("password", "other").doesNotContainKey("loginId");
    }

    @Test
    void anUnknownFieldIsRefusedByItsKeyNotItsValue() throws Exception {
        Path f = Files.writeString(dir.resolve("creds.properties"), "a1.pasword=s3cret\n");
        assertThatThrownBy(() -> SecretsFile.read("CTISTREAM_X_CREDENTIALS_FILE", f.toString(), List.of("loginId", "password")))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageContaining("a1.pasword").hasMessageNotContaining("s3cret");
    }

    @Test
    void noFileIsNoSecretsAndAnUnreadableOneIsAClearError() {
        assertThat(SecretsFile.read("K", null, List.of("password"))).isEmpty();
        assertThatThrownBy(() -> SecretsFile.read("CTISTREAM_X_CREDENTIALS_FILE", dir.resolve("absent").toString(), List.of("password")))
                .isInstanceOf(ConfigSource.ConfigException.class).hasMessageStartingWith("CTISTREAM_X_CREDENTIALS_FILE names [");
    }
}
