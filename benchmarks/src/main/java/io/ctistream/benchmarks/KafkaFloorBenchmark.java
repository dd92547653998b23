package io.ctistream.benchmarks;

import io.ctistream.embedded.EmbeddedKafka;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The floor under the engine's latency (issue #20), on the project's own embedded broker in this
 * JVM: how long a small record takes (1) from a producer ({@code acks=all}, idempotent, no linger)
 * to a read_committed consumer, and (2) through a Kafka Streams pass-through topology (one input
 * topic, one output topic, no state) at at-least-once and at exactly-once with a 100 ms commit.
 * Latency = the consumer's receipt − the send time carried in the record.
 *
 * <p>Args: {@code [rate=2000] [seconds=30] [warmUpSeconds=10]}.
 */
public final class KafkaFloorBenchmark {
    private KafkaFloorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int warmUp = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        System.out.printf("floor: %d records/s, %d s after %d s warm-up, %d cores%n", rate, seconds, warmUp, Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.temporary());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String t : List.of("floor-plain", "floor-in-alos", "floor-out-alos", "floor-in-eos", "floor-out-eos")) {
                topics.add(new NewTopic(t, 12, (short) 1));
            }
            admin.createTopics(topics).all().get();
            measure("produce -> consume", kafka.bootstrapServers(), "floor-plain", "floor-plain", rate, seconds, warmUp);
            for (String guarantee : List.of(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2)) {
                String suffix = guarantee.equals(StreamsConfig.AT_LEAST_ONCE) ? "alos" : "eos";
                try (KafkaStreams streams = passThrough(kafka.bootstrapServers(), "floor-in-" + suffix, "floor-out-" + suffix, guarantee)) {
                    measure("pass-through topology, " + guarantee + (suffix.equals("eos") ? ", commit 100 ms" : ""), kafka.bootstrapServers(),
                            "floor-in-" + suffix, "floor-out-" + suffix, rate, seconds, warmUp);
                }
            }
        }
        System.exit(0);
    }

    private static KafkaStreams passThrough(String bootstrap, String in, String out, String guarantee) throws Exception {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray())).mapValues(v -> v).to(out, Produced.with(Serdes.String(), Serdes.ByteArray()));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-" + UUID.randomUUID());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, guarantee.equals(StreamsConfig.AT_LEAST_ONCE) ? 1000 : 100);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("floor-streams-").toString());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        running.await(60, TimeUnit.SECONDS);
        return streams;
    }

    private static void measure(String what, String bootstrap, String in, String out, int rate, int seconds, int warmUp) {
        try (var producer = new KafkaProducer<String, byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new ByteArraySerializer());
             var consumer = new KafkaConsumer<String, byte[]>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "floor-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest",
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(out));
            while (consumer.assignment().isEmpty()) {
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.poll(Duration.ofMillis(500));
            run(producer, consumer, in, rate, warmUp);
            long[] l = run(producer, consumer, in, rate, seconds);
            System.out.printf("FLOOR %s at %d/s: %d received, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n", what, rate, l.length,
                    pct(l, 50), pct(l, 99), l.length == 0 ? 0 : l[l.length - 1] / 1e6);
        }
    }

    private static long[] run(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer, String in, int rate, int seconds) {
        long total = (long) rate * seconds;
        long[] samples = new long[(int) total * 2];
        int count = 0;
        long start = System.nanoTime();
        long sent = 0;
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end + TimeUnit.SECONDS.toNanos(3)) {
            long now = System.nanoTime();
            while (sent < total && now >= start + sent * 1_000_000_000L / rate) {
                byte[] v = ByteBuffer.allocate(64).putLong(System.nanoTime()).array();
                producer.send(new ProducerRecord<>(in, "agent-" + (sent % 1000), v));
                sent++;
            }
            for (var r : consumer.poll(Duration.ofMillis(1))) {
                if (count < samples.length) {
                    samples[count++] = System.nanoTime() - ByteBuffer.wrap(r.value()).getLong();
                }
            }
            LockSupport.parkNanos(100_000);
        }
        long[] sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
        return sorted;
    }

    private static double pct(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)] / 1e6;
    }
}
