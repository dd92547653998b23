package io.ctistream.admin.roster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Roster files as CSV (RFC 4180, through Jackson's CSV parser): a header row naming the columns
 * ({@link RosterField} keys, any order, optional ones may be left out), one agent per row;
 * {@code queues} as {@code a;b}, {@code attributes} as {@code key=value;key=value}. Pure: text in,
 * rows out.
 */
public final class RosterCsv {
    private static final CsvFactory FACTORY = new CsvFactory();

    private RosterCsv() {
    }

    /** Reads {@code in}; every syntax problem is reported with the line its row starts on, none is thrown. */
    public static RosterRows read(Reader in, String source) {
        List<RosterProblem> problems = new ArrayList<>();
        List<Cells> table = cells(in, source, problems);
        if (table.isEmpty()) {
            if (problems.isEmpty()) {
                problems.add(new RosterProblem(source, 1, null, "no header row: the first line names the columns (" + RosterField.keys() + ")"));
            }
            return new RosterRows(source, List.of(), problems);
        }
        Cells header = table.get(0);
        List<RosterField> columns = header(header, source, problems);
        List<RosterRows.Row> rows = new ArrayList<>();
        if (!problems.isEmpty()) {
            return new RosterRows(source, rows, problems); // rows of an unreadable header would only repeat its problem
        }
        for (Cells row : table.subList(1, table.size())) {
            if (row.values.size() != columns.size()) {
                problems.add(new RosterProblem(source, row.line, null, row.values.size() + " values, the header has " + columns.size()
                        + " columns (a comma in a value needs the value in double quotes)"));
                continue;
            }
            Map<RosterField, Object> values = new EnumMap<>(RosterField.class);
            for (int i = 0; i < columns.size(); i++) {
                String text = row.values.get(i).strip();
                if (!text.isEmpty()) {
                    values.put(columns.get(i), value(columns.get(i), text, source, row.line, problems));
                }
            }
            rows.add(new RosterRows.Row(row.line, values));
        }
        return new RosterRows(source, rows, problems);
    }

    /** Writes a header and one row per entry; refuses a value CSV's list syntax cannot carry (use YAML for those). */
    public static void write(List<RosterEntry> entries, Writer out) {
        try (CsvGenerator csv = FACTORY.createGenerator(out)) {
            csv.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // the caller owns the writer
            row(csv, Arrays.stream(RosterField.values()).map(RosterField::key).toList());
            for (RosterEntry e : entries) {
                List<String> cells = new ArrayList<>();
                for (RosterField f : RosterField.values()) {
                    cells.add(text(e, f));
                }
                row(csv, cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Cells(int line, List<String> values) {
    }

    private static List<Cells> cells(Reader in, String source, List<RosterProblem> problems) {
        List<Cells> table = new ArrayList<>();
        int line = 1;
        try (CsvParser parser = FACTORY.createParser(in)) {
            List<String> values = null;
            for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
                // without a schema every record is an array; the reader stands at the line the record starts on
                if (t == JsonToken.START_ARRAY) {
                    values = new ArrayList<>();
                    line = parser.currentLocation().getLineNr();
                } else if (t == JsonToken.VALUE_STRING && values != null) {
                    values.add(parser.getText());
                } else if (t == JsonToken.END_ARRAY && values != null) {
                    if (!(values.size() == 1 && values.get(0).isBlank())) { // a blank line is no row
                        if (table.isEmpty() && !values.isEmpty()) {
                            values.set(0, values.get(0).replace("\uFEFF", "")); // the byte-order mark spreadsheets put first
                        }
                        table.add(new Cells(line, values));
                    }
                    values = null;
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(new RosterProblem(source, line, null, "not valid CSV here: " + e.getOriginalMessage().strip()
                    + " (a double quote inside a quoted value is written twice: \"\")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }

    private static List<RosterField> header(Cells header, String source, List<RosterProblem> problems) {
        List<RosterField> columns = new ArrayList<>();
        Set<RosterField> seen = EnumSet.noneOf(RosterField.class);
        for (String name : header.values) {
            RosterField f = RosterField.byKey(name.strip()).orElse(null);
            if (f == null) {
                problems.add(new RosterProblem(source, header.line, name.strip(), "unknown column; the columns are " + RosterField.keys()));
            } else if (!seen.add(f)) {
                problems.add(new RosterProblem(source, header.line, f.key(), "column named twice"));
            }
            columns.add(f);
        }
        for (RosterField f : RosterField.values()) {
            if (f.required() && !seen.contains(f)) {
                problems.add(new RosterProblem(source, header.line, f.key(), "required column missing from the header"));
            }
        }
        return columns;
    }

    private static Object value(RosterField field, String text, String source, int line, List<RosterProblem> problems) {
        return switch (field.kind()) {
            case TEXT -> text;
            case LIST -> parts(text);
            case MAP -> {
                Map<String, String> map = new LinkedHashMap<>();
                for (String pair : parts(text)) {
                    int eq = pair.indexOf('=');
                    String key = eq < 0 ? "" : pair.substring(0, eq).strip();
                    if (key.isEmpty()) {
                        problems.add(new RosterProblem(source, line, field.key(), "[" + pair + "] is not key=value"));
                    } else if (map.put(key, pair.substring(eq + 1).strip()) != null) {
                        problems.add(new RosterProblem(source, line, field.key(), "key [" + key + "] given twice"));
                    }
                }
                yield map;
            }
        };
    }

    private static List<String> parts(String text) {
        List<String> parts = new ArrayList<>();
        for (String p : text.split(";")) {
            if (!p.isBlank()) {
                parts.add(p.strip());
            }
        }
        return parts;
    }

    private static String text(RosterEntry e, RosterField f) {
        Object v = e.value(f);
        if (v instanceof List<?> list) {
            list.forEach(item -> requireNo(e, f, item.toString(), ";"));
            return String.join(";", list.stream().map(Object::toString).toList());
        }
        if (v instanceof Map<?, ?> map) {
            List<String> pairs = new ArrayList<>();
            map.forEach((k, val) -> {
                requireNo(e, f, k.toString(), ";=");
                requireNo(e, f, val.toString(), ";");
                pairs.add(k + "=" + val);
            });
            return String.join(";", pairs);
        }
        return v == null ? "" : v.toString();
    }

    private static void requireNo(RosterEntry e, RosterField f, String text, String forbidden) {
        if (text.chars().anyMatch(c -> forbidden.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("agent [" + e.agentId() + "]: " + f.key() + " holds [" + text + "], which CSV's "
                    + f.key() + " syntax cannot carry; export as YAML (--format yaml)");
        }
    }

    private static void row(CsvGenerator csv, List<String> cells) throws IOException {
        csv.writeStartArray();
        for (String c : cells) {
            csv.writeString(c);
        }
        csv.writeEndArray();
    }
}
