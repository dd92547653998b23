package io.ctistream.push;

import io.ctistream.events.AgentCommand;
import io.ctistream.events.CommandResult;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commands out, results back: publishes {@code AgentCommand}s (key = agent id, idempotent producer)
 * and follows {@code cti.command-results} from its end, handing each result to whoever is waiting
 * for that command id on this instance. A result for a command issued elsewhere is ignored.
 */
public final class CommandRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRelay.class);

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<String, Object> consumer;
    private final Map<String, Consumer<CommandResult>> waiting = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;

    public CommandRelay(String bootstrapServers, String registryUrl, String instanceId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, instanceId + "-commands");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), CtiSerdes.valueSerializer(registryUrl));
        this.consumer = Readers.assigned(bootstrapServers, registryUrl, instanceId + "-results", Map.of());
        this.thread = new Thread(this::run, "push-command-results");
        this.thread.setDaemon(true);
    }

    public CommandRelay start() {
        thread.start();
        return this;
    }

    /** Completes once the results topic is followed (from its end). */
    public CompletableFuture<Void> ready() {
        return ready;
    }

    /** Publishes the command; {@code onResult} gets its result when one arrives (on the relay's thread). */
    public CompletableFuture<Void> send(AgentCommand command, Consumer<CommandResult> onResult) {
        waiting.put(command.getCommandId(), onResult);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(CtiTopics.AGENT_COMMANDS.topicName(), command.getAgentId(), command), (md, e) -> {
                if (e == null) {
                    sent.complete(null);
                } else {
                    waiting.remove(command.getCommandId());
                    sent.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            waiting.remove(command.getCommandId());
            sent.completeExceptionally(e);
        }
        return sent;
    }

    /** Stops waiting for a command (its issuer gave up or went away). */
    public void forget(String commandId) {
        waiting.remove(commandId);
    }

    private void run() {
        try {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(CtiTopics.COMMAND_RESULTS.topicName(), Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(pi.topic(), pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position); // resolve the end now, so nothing sent after ready() is missed
            ready.complete(null);
            while (running) {
                try {
                    for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(100))) {
                        if (r.value() instanceof CommandResult result) {
                            Consumer<CommandResult> to = waiting.remove(result.getCommandId());
                            if (to != null) {
                                to.accept(result);
                            }
                        } else if (r.value() instanceof io.ctistream.schemas.TolerantDeserializer.Unreadable e) {
                            LOG.warn("command result not readable, skipped [partition={}, offset={}]: {}", r.partition(), r.offset(), e.reason());
                        }
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (KafkaException e) {
                    if (running) {
                        LOG.warn("command results poll failed, retrying: {}", e.toString());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.error("command relay stopped", e);
            ready.completeExceptionally(e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
