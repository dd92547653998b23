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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>{@link #send} never blocks its caller (a connection's event loop): the producer's own
 * {@code send} may block while it has no metadata for the topic (up to {@code max.block.ms}, e.g.
 * when Kafka is away), so it runs on one thread of its own, in the order commands were sent. The
 * topic's metadata is fetched before {@link #ready()} and kept however long no command is sent.
 */
public final class CommandRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommandRelay.class);

    private final KafkaProducer<String, SpecificRecord> producer;
    private final KafkaConsumer<String, Object> consumer;
    private final Map<String, Consumer<CommandResult>> waiting = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread thread;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "push-command-send");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;

    public CommandRelay(String bootstrapServers, String registryUrl, String instanceId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
        // a topic nobody sent to for 5 minutes (the default) loses its metadata, and the next send waits for it
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, (int) Duration.ofDays(1).toMillis());
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

    /**
     * Publishes the command without blocking the caller; the future completes once Kafka has it, or
     * fails when it could not be queued. {@code onResult} gets its result when one arrives (on the
     * relay's thread).
     */
    public CompletableFuture<Void> send(AgentCommand command, Consumer<CommandResult> onResult) {
        waiting.put(command.getCommandId(), onResult);
        CompletableFuture<Void> sent = new CompletableFuture<>();
        try {
            sender.execute(() -> publish(command, sent));
        } catch (RejectedExecutionException e) {
            waiting.remove(command.getCommandId());
            sent.completeExceptionally(new IllegalStateException("the command relay is closed"));
        }
        return sent;
    }

    private void publish(AgentCommand command, CompletableFuture<Void> sent) {
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
            awaitCommandsMetadata();
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

    /** Fetches the commands topic's metadata now, so that no send waits for it later. */
    private void awaitCommandsMetadata() {
        while (running) {
            try {
                producer.partitionsFor(CtiTopics.AGENT_COMMANDS.topicName());
                return;
            } catch (KafkaException e) {
                LOG.warn("commands topic metadata not available yet, retrying: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        sender.shutdown();
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
