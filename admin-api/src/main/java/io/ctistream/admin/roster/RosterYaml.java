package io.ctistream.admin.roster;

import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Roster files as YAML: {@code agents:}, a list of mappings with the {@link RosterField} keys;
 * {@code queues} a list, {@code attributes} a mapping. Read as a node tree, not into objects:
 * every value is taken as the text written ({@code 7001}, {@code NO} and {@code 2024-01-01} stay
 * text, YAML 1.1 would make them a number, a boolean and a date) and every problem has a line.
 */
public final class RosterYaml {
    static final String AGENTS = "agents";

    private RosterYaml() {
    }

    /** Reads {@code in}; every problem is reported with its line, none is thrown. */
    public static RosterRows read(Reader in, String source) {
        List<RosterProblem> problems = new ArrayList<>();
        List<RosterRows.Row> rows = new ArrayList<>();
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setCodePointLimit(64 * 1024 * 1024); // the 3 MB default is about 10,000 agents
            root = new Yaml(options).compose(in);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
            problems.add(new RosterProblem(source, line, null, "not valid YAML here: " + e.getProblem()));
            return new RosterRows(source, rows, problems);
        } catch (YAMLException e) {
            problems.add(new RosterProblem(source, 1, null, "not valid YAML: " + e.getMessage()));
            return new RosterRows(source, rows, problems);
        }
        SequenceNode agents = agents(root, source, problems);
        if (agents == null) {
            return new RosterRows(source, rows, problems);
        }
        for (Node item : agents.getValue()) {
            int line = line(item);
            if (!(item instanceof MappingNode agent)) {
                problems.add(new RosterProblem(source, line, null, "each agent is a mapping of " + RosterField.keys()));
                continue;
            }
            Map<RosterField, Object> values = new EnumMap<>(RosterField.class);
            for (NodeTuple t : agent.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
                RosterField f = RosterField.byKey(key).orElse(null);
                if (f == null) {
                    problems.add(new RosterProblem(source, line(t.getKeyNode()), key, "unknown key; the keys are " + RosterField.keys()));
                } else if (values.containsKey(f)) {
                    problems.add(new RosterProblem(source, line(t.getKeyNode()), key, "key given twice"));
                } else {
                    Object v = value(f, t.getValueNode(), source, problems);
                    if (v != null) {
                        values.put(f, v);
                    }
                }
            }
            rows.add(new RosterRows.Row(line, values));
        }
        return new RosterRows(source, rows, problems);
    }

    /** Writes {@code agents:} with one mapping per entry; absent optional fields are left out. */
    public static void write(List<RosterEntry> entries, Writer out) {
        List<Map<String, Object>> agents = new ArrayList<>();
        for (RosterEntry e : entries) {
            Map<String, Object> agent = new LinkedHashMap<>();
            for (RosterField f : RosterField.values()) {
                Object v = e.value(f);
                boolean empty = v == null || v instanceof List<?> l && l.isEmpty() || v instanceof Map<?, ?> m && m.isEmpty();
                if (!empty) {
                    agent.put(f.key(), v instanceof Map<?, ?> m ? new LinkedHashMap<>(m) : v instanceof List<?> l ? new ArrayList<>(l) : v);
                }
            }
            agents.add(agent);
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndent(2);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setSplitLines(false); // long display names stay on one line
        new Yaml(options).dump(Map.of(AGENTS, agents), out);
    }

    private static SequenceNode agents(Node root, String source, List<RosterProblem> problems) {
        if (root instanceof MappingNode map) {
            SequenceNode agents = null;
            for (NodeTuple t : map.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
                if (AGENTS.equals(key) && t.getValueNode() instanceof SequenceNode seq) {
                    agents = seq;
                } else if (AGENTS.equals(key) && isNull(t.getValueNode())) {
                    agents = new SequenceNode(Tag.SEQ, List.of(), DumperOptions.FlowStyle.BLOCK); // "agents:" with none under it
                } else {
                    problems.add(new RosterProblem(source, line(t.getKeyNode()), key,
                            AGENTS.equals(key) ? "a list of agents" : "unknown key; a roster file has one key, " + AGENTS));
                }
            }
            if (agents != null || !problems.isEmpty()) {
                return agents;
            }
        }
        problems.add(new RosterProblem(source, root == null ? 1 : line(root), null, "a roster file is a mapping with one key, " + AGENTS
                + ", holding a list of agents"));
        return null;
    }

    private static Object value(RosterField f, Node node, String source, List<RosterProblem> problems) {
        if (isNull(node)) {
            return null;
        }
        switch (f.kind()) {
            case TEXT -> {
                if (node instanceof ScalarNode s) {
                    return s.getValue().strip();
                }
            }
            case LIST -> {
                if (node instanceof SequenceNode seq && seq.getValue().stream().allMatch(n -> n instanceof ScalarNode)) {
                    return seq.getValue().stream().map(n -> ((ScalarNode) n).getValue().strip()).filter(s -> !s.isEmpty()).toList();
                }
            }
            case MAP -> {
                if (node instanceof MappingNode map && map.getValue().stream()
                        .allMatch(t -> t.getKeyNode() instanceof ScalarNode && t.getValueNode() instanceof ScalarNode)) {
                    Map<String, String> values = new LinkedHashMap<>();
                    for (NodeTuple t : map.getValue()) {
                        String key = ((ScalarNode) t.getKeyNode()).getValue().strip();
                        if (values.put(key, ((ScalarNode) t.getValueNode()).getValue().strip()) != null) {
                            problems.add(new RosterProblem(source, line(t.getKeyNode()), f.key(), "key [" + key + "] given twice"));
                        }
                    }
                    return values;
                }
            }
        }
        String expected = switch (f.kind()) {
            case TEXT -> "a text value";
            case LIST -> "a list of text values";
            case MAP -> "a mapping of text keys to text values";
        };
        problems.add(new RosterProblem(source, line(node), f.key(), expected));
        return null;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
    }

    private static int line(Node node) {
        return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
    }
}
