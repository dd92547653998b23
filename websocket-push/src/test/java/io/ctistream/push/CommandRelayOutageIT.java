package io.ctistream.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.embedded.EmbeddedKafka;
import io.ctistream.embedded.EmbeddedSchemaRegistry;
import io.ctistream.events.AgentCommand;
import io.ctistream.events.AgentState;
import io.ctistream.events.Principal;
import io.ctistream.events.Role;
import io.ctistream.events.SetState;
import io.ctistream.schemas.TopicProvisioner;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A command sent while Kafka is away must not hold the sender's thread (a connection's event loop)
 * while the producer waits for the broker: the send is handed off, and its outcome comes later.
 * Its own broker, because the test stops it.
 */
class CommandRelayOutageIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aCommandSentWhileKafkaIsAwayDoesNotHoldTheSendersThread() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), "127.0.0.1", 0);
        CommandRelay relay = null;
        try {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                new TopicProvisioner(admin, new TopicProvisioner.Plan(2, 2, (short) 1)).ensureAll();
            }
            relay = new CommandRelay(kafka.bootstrapServers(), registry.url(), "outage-test").start();
            relay.ready().get(60, TimeUnit.SECONDS);

            kafka.close(); // before this pusher ever sent a command: the producer has no metadata of its own yet
            long before = System.nanoTime();
            CompletableFuture<Void> sent = relay.send(command("c-2"), r -> { });
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);

            // a producer without the topic's metadata waits up to max.block.ms (1 s) for it on the
            // caller's thread and then fails the send there; this one came back with the command in flight
            assertThat(sent).as("returned after %d ms", heldMillis).isNotDone();
        } finally {
            if (relay != null) {
                relay.close();
            }
            registry.close();
            kafka.close();
        }
    }

    private static AgentCommand command(String id) {
        Instant issued = Instant.now(); // records for a real broker are stamped from the clock (CONTRIBUTING.md)
        return AgentCommand.newBuilder().setCommandId(id).setTenant("t1").setAgentId("t1:agent001")
                .setPrincipal(Principal.newBuilder().setSubject("agent001").setRole(Role.AGENT).build())
                .setIssuedAt(issued).setDeadline(issued.plusSeconds(10))
                .setCommand(SetState.newBuilder().setState(AgentState.READY).build()).build();
    }
}
