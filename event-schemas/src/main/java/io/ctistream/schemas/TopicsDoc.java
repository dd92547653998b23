package io.ctistream.schemas;

import java.time.Duration;
import java.util.Map;

/**
 * Renders {@code docs/api/topics.md} from {@link CtiTopics}, so the document cannot drift from the
 * catalogue: {@code TopicsDocTest} fails when the committed file differs from this rendering.
 */
public final class TopicsDoc {
    /** Who writes and who reads each topic; the catalogue does not model this, the document states it. */
    private static final Map<CtiTopics, String[]> FLOW = Map.ofEntries(
            Map.entry(CtiTopics.AGENTS, new String[] {"provisioning (CRM/WFM sync, the demo roster)", "connectors (which agents to subscribe), engine (team/queue membership)"}),
            Map.entry(CtiTopics.AGENT_EVENTS, new String[] {"connectors", "engine, CRMs"}),
            Map.entry(CtiTopics.QUEUE_EVENTS, new String[] {"connectors", "engine, CRMs"}),
            Map.entry(CtiTopics.AGENT_COMMANDS, new String[] {"push (agents' buttons)", "the connector that owns the agent's partition"}),
            Map.entry(CtiTopics.COMMAND_RESULTS, new String[] {"connectors", "push (answers the agent's request)"}),
            Map.entry(CtiTopics.AGENT_STATE, new String[] {"engine", "push (softphones, wallboards), CRMs"}),
            Map.entry(CtiTopics.TEAM_STATS, new String[] {"engine", "push (wallboards)"}),
            Map.entry(CtiTopics.QUEUE_STATS, new String[] {"engine", "push (wallboards)"}),
            Map.entry(CtiTopics.CONNECTOR_STATUS, new String[] {"connectors", "engine (freshness), push (wallboard banner), operators"}),
            Map.entry(CtiTopics.DEAD_LETTER, new String[] {"any consumer that cannot read a record", "operators"}),
            Map.entry(CtiTopics.TEAMS, new String[] {"admin API", "operators (admin API reads)"}),
            Map.entry(CtiTopics.QUEUES, new String[] {"admin API", "operators (admin API reads)"}),
            Map.entry(CtiTopics.WEBHOOK_SUBSCRIPTIONS, new String[] {"admin API (transactional, read_committed)", "webhooks service"}),
            Map.entry(CtiTopics.ADMIN_AUDIT, new String[] {"admin API, `ctistream roster import`", "operators, auditors"}));

    private TopicsDoc() {
    }

    public static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Kafka topics\n\n")
                .append("Generated from `io.ctistream.schemas.CtiTopics` by `TopicsDoc`; `TopicsDocTest` fails the build when this\n")
                .append("file and the catalogue disagree (re-render with `mvn -pl event-schemas test -Dtest=TopicsDocTest -Dctistream.docs.record=true`).\n\n")
                .append("All keys are strings. Ids are tenant-qualified (`tenant/id`), so keying by agent id gives per-agent order end to end.\n")
                .append("Agent-keyed topics are co-partitioned: the same partition count, key and partitioner, so the instance that owns an\n")
                .append("agent's `cti.agents` partition also owns its `cti.agent-commands` partition. Values are Avro, one self-contained\n")
                .append("schema per topic, registered as artifact `<topic>-value` in group `default` (see `docs/adr/002-one-self-contained-schema-per-topic.md`).\n\n")
                .append("| topic | key | value (`io.ctistream.events`) | cleanup | retention | partitions (production default) | record time | written by | read by |\n")
                .append("|---|---|---|---|---|---|---|---|---|\n");
        for (CtiTopics t : CtiTopics.values()) {
            String[] flow = FLOW.get(t);
            md.append("| `").append(t.topicName()).append("` | ")
                    .append(t.keyMeaning()).append(" | `")
                    .append(t.valueType().getSimpleName()).append("` | ")
                    .append(t.cleanup().kafkaValue()).append(" | ")
                    .append(t.retention().map(TopicsDoc::days).orElse("latest value per key, kept")).append(" | ")
                    .append(t.defaultPartitions()).append(t.coPartitioned() ? " (co-partitioned)" : "").append(" | ")
                    .append(t.stampedByBroker() ? "the broker's (`LogAppendTime`)" : "the producer's").append(" | ")
                    .append(flow[0]).append(" | ")
                    .append(flow[1]).append(" |\n");
        }
        md.append("\nThe production plan uses replication factor 3 and `min.insync.replicas=2`; the single-machine run uses one replica\n")
                .append("and `CTISTREAM_AGENT_PARTITIONS` (default 12) for the agent-keyed topics. Creating topics is idempotent\n")
                .append("(`TopicProvisioner.ensureAll`): existing topics are left as they are and reported, except that a topic the\n")
                .append("catalogue has stamped by the broker gets `message.timestamp.type=LogAppendTime` if it lacks it: the engine orders an\n")
                .append("agent's roster changes and events by the broker's time (`docs/adr/026-roster-and-events-order.md`).\n");
        md.append(renderJsonTopics());
        return md.toString();
    }

    /** Who writes and who reads each JSON topic. */
    private static final Map<JsonTopics, String[]> JSON_FLOW = Map.of(
            JsonTopics.CLOUD_EVENTS, new String[] {"crm-webhooks (consumer group `ctistream-cloudevents`)",
                    "CRMs and integrators: Kafka Connect HTTP sinks, stream processors"});

    /** The section of the topics that are not Avro ({@link JsonTopics}). */
    static String renderJsonTopics() {
        StringBuilder md = new StringBuilder();
        md.append("\n## Topics whose values are not Avro\n\n")
                .append("Listed in `io.ctistream.schemas.JsonTopics`: no registry schema (so not in `CtiTopics`, which `SchemaRegistrar`\n")
                .append("registers whole); each is created by the service that writes it (`TopicProvisioner.ensure`), agent-keyed ones with\n")
                .append("the partition count of the agent-keyed topics.\n\n")
                .append("| topic | key | value | cleanup | retention | partitions (production default) | written by | read by |\n")
                .append("|---|---|---|---|---|---|---|---|\n");
        for (JsonTopics t : JsonTopics.values()) {
            String[] flow = JSON_FLOW.get(t);
            md.append("| `").append(t.topicName()).append("` | ")
                    .append(t.keyMeaning()).append(" | ")
                    .append(t.valueFormat()).append(" | ")
                    .append(t.cleanup().kafkaValue()).append(" | ")
                    .append(t.retention().map(TopicsDoc::days).orElse("latest value per key, kept")).append(" | ")
                    .append(t.defaultPartitions()).append(" | ")
                    .append(flow[0]).append(" | ")
                    .append(flow[1]).append(" |\n");
        }
        return md.toString();
    }

    private static String days(Duration d) {
        long days = d.toDays();
        return days == 1 ? "1 day" : days + " days";
    }
}
