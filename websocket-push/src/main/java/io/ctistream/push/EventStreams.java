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
 * Streams are bounded per instance, since each holds a consumer, and per principal and per tenant
 * (issue #19: one admin took every stream of an instance). Nothing here blocks the caller: the
 * consumer is made, and the partition found and sought, on the stream's own thread.
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
    private final Map<String, Integer> perPrincipal = new java.util.HashMap<>();
    private final Map<String, Integer> perTenant = new java.util.HashMap<>();
    private volatile PushLimits limits = PushLimits.DEFAULTS;

    public EventStreams(String bootstrapServers, String registryUrl, int max) {
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
        this.max = max;
    }

    /** The per-principal and per-tenant bounds (the push server sets its configured ones when it starts). */
    void limits(PushLimits limits) {
        this.limits = limits;
    }

    /** A stream, or why there is none ({@code TOO_MANY_EVENT_STREAMS} for the principal or tenant, {@code UNAVAILABLE} for the instance). */
    public record Opened(Stream stream, ErrorCode refusal, String message) {
    }

    /** @param after the last offset the client saw, or null for only new events */
    Opened open(Jwt.Principal p, String agentId, Long after, Listener listener) {
        String principal = p.tenant() + "\u0000" + p.subject();
        synchronized (this) {
            PushLimits l = limits;
            if (perPrincipal.getOrDefault(principal, 0) >= l.maxEventStreamsPerPrincipal()) {
                return new Opened(null, ErrorCode.TOO_MANY_EVENT_STREAMS, "this user holds " + l.maxEventStreamsPerPrincipal()
                        + " event streams on this instance already; unsubscribe one first");
            }
            if (perTenant.getOrDefault(p.tenant(), 0) >= l.maxEventStreamsPerTenant()) {
                return new Opened(null, ErrorCode.TOO_MANY_EVENT_STREAMS, "this tenant holds " + l.maxEventStreamsPerTenant()
                        + " event streams on this instance already; try again later");
            }
            if (open.get() >= max) {
                return new Opened(null, ErrorCode.UNAVAILABLE, "this service serves no more event streams right now; try again later or another instance");
            }
            open.incrementAndGet();
            perPrincipal.merge(principal, 1, Integer::sum);
            perTenant.merge(p.tenant(), 1, Integer::sum);
        }
        Stream s = new Stream(agentId, after, listener, principal, p.tenant());
        streams.add(s);
        s.thread.start();
        return new Opened(s, null, null);
    }

    private synchronized void release(String principal, String tenant) {
        open.decrementAndGet();
        perPrincipal.computeIfPresent(principal, (k, n) -> n <= 1 ? null : n - 1);
        perTenant.computeIfPresent(tenant, (k, n) -> n <= 1 ? null : n - 1);
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
        private final String principal;
        private final String tenant;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        private volatile KafkaConsumer<String, Object> consumer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean paused;

        private Stream(String agentId, Long after, Listener listener, String principal, String tenant) {
            this.agentId = agentId;
            this.after = after;
            this.listener = listener;
            this.principal = principal;
            this.tenant = tenant;
            this.thread = new Thread(this::run, "push-events");
            this.thread.setDaemon(true);
        }

        /** Stop reading while the client's write queue is full; the log keeps what it has not taken. */
        public void pause(boolean pause) {
            this.paused = pause;
        }

        private void run() {
            KafkaConsumer<String, Object> consumer = null;
            try {
                // made here, not by the caller: creating a consumer resolves addresses and may block
                consumer = Readers.assigned(bootstrapServers, registryUrl, "push-events", Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200));
                this.consumer = consumer;
                if (!running) {
                    return; // closed while it was being made
                }
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
                if (consumer != null) {
                    consumer.close(Duration.ofSeconds(1));
                }
                streams.remove(this);
                releaseOnce();
            }
        }

        /** The slot is free again at once, not only when the thread has ended: a client may subscribe again right away. */
        private void releaseOnce() {
            if (released.compareAndSet(false, true)) {
                release(principal, tenant);
            }
        }

        public void close() {
            if (running) {
                running = false;
                releaseOnce();
                KafkaConsumer<String, Object> c = consumer;
                if (c != null) {
                    c.wakeup();
                }
            }
        }
    }
}
