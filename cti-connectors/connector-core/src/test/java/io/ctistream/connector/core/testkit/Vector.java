package io.ctistream.connector.core.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A vector file: header lines ({@code description:}, {@code kind:}, {@code content-type:},
 * {@code args:}, any number of {@code expect:}), then {@code body:} and the raw body to the end of
 * the file, byte for byte.
 */
public record Vector(String file, String description, String kind, String contentType, Map<String, String> args,
              List<String> expect, byte[] body) {
    public static final Path DIR = Path.of("src/test/resources/vectors");

    public static Stream<Vector> all() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".vector")).sorted().map(Vector::read).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Vector read(Path p) {
        try {
            byte[] raw = Files.readAllBytes(p);
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int marker = text.indexOf("\nbody:\n");
            if (marker < 0) {
                throw new IllegalArgumentException(p + " has no body: line");
            }
            String description = null;
            String kind = null;
            String contentType = null;
            Map<String, String> args = new LinkedHashMap<>();
            List<String> expect = new ArrayList<>();
            for (String line : text.substring(0, marker).split("\n")) {
                int colon = line.indexOf(':');
                String key = line.substring(0, colon);
                String value = line.substring(colon + 1).strip();
                switch (key) {
                    case "description" -> description = value;
                    case "kind" -> kind = value;
                    case "content-type" -> contentType = value;
                    case "expect" -> expect.add(value);
                    case "args" -> {
                        for (String kv : value.split(" ")) {
                            if (!kv.isBlank()) {
                                int eq = kv.indexOf('=');
                                args.put(kv.substring(0, eq), kv.substring(eq + 1));
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException(p + ": unknown header " + key);
                }
            }
            byte[] body = text.substring(marker + "\nbody:\n".length()).getBytes(StandardCharsets.ISO_8859_1);
            return new Vector(p.getFileName().toString(), description, kind, contentType, args, expect, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return file + " (" + description + ")";
    }
}
