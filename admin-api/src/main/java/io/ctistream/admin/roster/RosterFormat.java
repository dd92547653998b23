package io.ctistream.admin.roster;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The two file formats, chosen by {@code --format} or by the file name's extension. */
public enum RosterFormat {
    CSV, YAML;

    public RosterRows read(Reader in, String source) {
        return this == CSV ? RosterCsv.read(in, source) : RosterYaml.read(in, source);
    }

    public void write(List<RosterEntry> entries, Writer out) {
        if (this == CSV) {
            RosterCsv.write(entries, out);
        } else {
            RosterYaml.write(entries, out);
        }
    }

    /** {@code csv} or {@code yaml} (also {@code yml}), any case. */
    public static Optional<RosterFormat> named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "csv" -> Optional.of(CSV);
            case "yaml", "yml" -> Optional.of(YAML);
            default -> Optional.empty();
        };
    }

    /** By extension: {@code .csv}, {@code .yaml}, {@code .yml}. */
    public static Optional<RosterFormat> of(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? Optional.empty() : named(name.substring(dot + 1));
    }
}
