package io.ctistream.connector.core.testkit;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes roster entries and commands as the rest of ctistream would. */
public final class Roster implements AutoCloseable {
    private final KafkaProducer<String, SpecificRecord> producer;

    public Roster(String bootstrap, String registry) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), CtiSerdes.<SpecificRecord>valueSerializer(registry));
    }

    /** A BroadWorks agent of {@code tenant}: AS user {@code user}@{@code domain}, a hoteling host when {@code guest} is set. */
    public static AgentProfile agent(String tenant, String id, String user, String domain, String guest) {
        return agent(Platform.BROADWORKS, tenant, id, user, domain, guest);
    }

    /** An agent of {@code platform}, in team {@code tenant/team} and queue {@code tenant/sales}, credential reference = {@code id}. */
    public static AgentProfile agent(Platform platform, String tenant, String id, String user, String domain, String guest) {
        return AgentProfile.newBuilder().setTenant(tenant).setAgentId(tenant + "/" + id).setDisplayName("Agent " + id)
                .setTeamId(tenant + "/team").setQueues(List.of(tenant + "/sales")).setPlatform(platform)
                .setPlatformUserId(user + "@" + domain).setHotelingGuestAddress(guest).setCredentialRef(id).build();
    }

    /** A queue of {@code platform} in the queue roster, named {@code platformQueueId} on the platform. */
    public static io.ctistream.events.QueueProfile queue(Platform platform, String tenant, String id, String platformQueueId) {
        return io.ctistream.events.QueueProfile.newBuilder().setTenant(tenant).setQueueId(tenant + "/" + id).setDisplayName("Queue " + id)
                .setPlatform(platform).setPlatformQueueId(platformQueueId).build();
    }

    public void put(io.ctistream.events.QueueProfile q) throws Exception {
        producer.send(new ProducerRecord<>(CtiTopics.QUEUES.topicName(), q.getQueueId(), q)).get();
    }

    public void removeQueue(String queueId) throws Exception {
        producer.send(new ProducerRecord<>(CtiTopics.QUEUES.topicName(), queueId, null)).get();
    }

    public void put(AgentProfile p) throws Exception {
        producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p)).get();
    }

    public void remove(String agentId) throws Exception {
        producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), agentId, null)).get();
    }

    /** Sends a command with a 30 s deadline; returns its id. */
    public String command(AgentProfile p, Object command) throws Exception {
        return command(p, command, Duration.ofSeconds(30));
    }

    public String command(AgentProfile p, Object command, Duration deadline) throws Exception {
        String id = UUID.randomUUID().toString();
        command(p, id, command, deadline);
        return id;
    }

    public void command(AgentProfile p, String id, Object command, Duration deadline) throws Exception {
        AgentCommand c = AgentCommand.newBuilder().setCommandId(id).setTenant(p.getTenant()).setAgentId(p.getAgentId())
                .setPrincipal(Principal.newBuilder().setSubject("it").setRole(Role.AGENT).build())
                .setIssuedAt(Instant.now()).setDeadline(Instant.now().plus(deadline)).setCommand(command).build();
        producer.send(new ProducerRecord<>(CtiTopics.AGENT_COMMANDS.topicName(), p.getAgentId(), c)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
