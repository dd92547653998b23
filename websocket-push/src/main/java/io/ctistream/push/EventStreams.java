package io.ctistream.push;

import io.ctistream.events.AgentEvent;
import io.ctistream.schemas.CtiTopics;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code events/agent/{id}}: the ordered event log of one agent, read on demand from
 * {@code cti.agent-events}. Events are keyed by agent id, so one agent's log is one partition;
 * each stream reads that partition from where its client left off (the offset after the last one
 * it saw; within retention) or from the end, and keeps only that agent's records. A stream reads
 * only as fast as its client takes the events (the log is the buffer: events are never conflated).
 * Streams are bounded per instance, since each holds a consumer.
 */
public final class EventStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    /** Where a stream's events go (called on the stream's own thread). */
    public interface Listener {
        void events(List<Event> batch);

        /** The client asked to resume before the oldest event still kept: it starts from {@code earliest}. */
        void trimmed(long earliest);
    }

    public record Event(String agentId, long offset, JsonObject data) {
    }

    private final String bootstrapServers;
    private final String registryUrl;
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Stream> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public EventStreams(String bootstrapServers, String registryUrl, int max) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.max = max;
    }

    /** @param after the last offset the client saw, or null for only new events; null when the instance serves its maximum already */
    public Stream open(String agentId, Long after, Listener listener) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return null;
        }
        Stream s;
        try {
            s = new Stream(agentId, after, listener);
        } catch (RuntimeException e) {
            open.decrementAndGet(); // the slot is not taken by a stream that could not be made
            LOG.warn("event stream not opened: {}", e.toString());
            return null;
        }
        streams.add(s);
        s.thread.start();
        return s;
    }

    public int open() {
        return open.get();
    }

    @Override
    public void close() {
        List.copyOf(streams).forEach(Stream::close);
    }

    /** One client's read of one agent's log. */
    public final class Stream {
        private final String agentId;
        private final Long after;
        private final Listener listener;
        private final KafkaConsumer<String, Object> consumer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean paused;

        private Stream(String agentId, Long after, Listener listener) {
            this.agentId = agentId;
            this.after = after;
            this.listener = listener;
            this.consumer = Readers.assigned(bootstrapServers, registryUrl, "push-events", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200));
            this.thread = new Thread(this::run, "push-events");
            this.thread.setDaemon(true);
        }

        /** Stop reading while the client's write queue is full; the log keeps what it has not taken. */
        public void pause(boolean pause) {
            this.paused = pause;
        }

        private void run() {
            try {
                String topic = CtiTopics.AGENT_EVENTS.topicName();
                int partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).size();
                TopicPartition tp = new TopicPartition(topic, Utils.toPositive(Utils.murmur2(agentId.getBytes(StandardCharsets.UTF_8))) % partitions);
                consumer.assign(List.of(tp));
                if (after == null) {
                    consumer.seekToEnd(List.of(tp));
                    consumer.position(tp);
                } else {
                    long earliest = consumer.beginningOffsets(List.of(tp)).get(tp);
                    if (after + 1 < earliest) {
                        listener.trimmed(earliest);
                        consumer.seek(tp, earliest);
                    } else {
                        consumer.seek(tp, after + 1);
                    }
                }
                boolean isPaused = false;
                while (running) {
                    if (paused != isPaused) {
                        isPaused = paused;
                        if (isPaused) {
                            consumer.pause(List.of(tp));
                        } else {
                            consumer.resume(List.of(tp));
                        }
                    }
                    try {
                        List<Event> batch = new ArrayList<>();
                        for (ConsumerRecord<String, Object> r : consumer.poll(Duration.ofMillis(200))) {
                            if (!agentId.equals(r.key())) {
                                continue;
                            }
                            if (r.value() instanceof AgentEvent e) {
                                JsonObject data = AvroJson.of(e).put("payloadType", ((SpecificRecord) e.getPayload()).getSchema().getName());
                                batch.add(new Event(agentId, r.offset(), data));
                            } else if (r.value() instanceof io.ctistream.schemas.TolerantDeserializer.Unreadable e) {
                                LOG.warn("agent event not readable, skipped [offset={}]: {}", r.offset(), e.reason());
                            }
                        }
                        if (!batch.isEmpty()) {
                            listener.events(batch);
                        }
                    } catch (WakeupException e) {
                        // closing
                    } catch (KafkaException e) {
                        if (running) {
                            LOG.warn("event stream poll failed, retrying: {}", e.toString());
                        }
                    }
                }
            } catch (WakeupException e) {
                // closed while starting
            } catch (RuntimeException e) {
                LOG.warn("event stream for an agent stopped: {}", e.toString());
            } finally {
                consumer.close(Duration.ofSeconds(1));
                streams.remove(this);
                open.decrementAndGet();
            }
        }

        public void close() {
            if (running) {
                running = false;
                consumer.wakeup();
            }
        }
    }
}
