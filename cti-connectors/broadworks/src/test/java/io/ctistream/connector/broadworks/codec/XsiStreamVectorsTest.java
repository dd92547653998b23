package io.ctistream.connector.broadworks.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctistream.connector.broadworks.codec.XsiMessage.AcdCall;
import io.ctistream.connector.broadworks.codec.XsiMessage.AcdQueueState;
import io.ctistream.connector.broadworks.codec.XsiMessage.ChannelOpened;
import io.ctistream.connector.broadworks.codec.XsiMessage.ChannelTerminated;
import io.ctistream.connector.broadworks.codec.XsiMessage.HeartBeat;
import io.ctistream.connector.broadworks.codec.XsiMessage.Other;
import io.ctistream.connector.broadworks.codec.XsiMessage.Figure;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueEntry;
import io.ctistream.connector.broadworks.codec.XsiMessage.QueueMonitoring;
import io.ctistream.connector.broadworks.codec.XsiMessage.Refused;
import io.ctistream.connector.broadworks.codec.XsiMessage.SubscriptionTerminated;
import io.ctistream.connector.core.testkit.Vector;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies the Xsi-Events stream reader (issue #17) over the {@code x*-xsi-*} vector files: each
 * body read whole, one byte at a time, cut at seeded random places, and all the vectors joined into
 * one stream, always giving the same documents in the same order.
 */
class XsiStreamVectorsTest {

    static Stream<Vector> vectors() {
        return Vector.all().filter(v -> v.kind().equals("xsi-stream"));
    }

    /** Verifies each vector read as one chunk. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void wholeBody(Vector v) {
        assertThat(render(stream(v).feed(v.body()))).as(v.description()).isEqualTo(v.expect());
    }

    /** Verifies each vector read one byte at a time: every document is split across chunks everywhere it can be. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void oneByteAtATime(Vector v) {
        XsiStream s = stream(v);
        List<XsiMessage> out = new ArrayList<>();
        for (byte b : v.body()) {
            out.addAll(s.feed(new byte[] {b}));
        }
        assertThat(render(out)).as(v.description()).isEqualTo(v.expect());
    }

    /** Verifies each vector cut into chunks at seeded random places. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void randomChunks(Vector v) {
        Random random = new Random(17);
        for (int round = 0; round < 50; round++) {
            XsiStream s = stream(v);
            List<XsiMessage> out = new ArrayList<>();
            byte[] body = v.body();
            int at = 0;
            while (at < body.length) {
                int n = Math.min(body.length - at, 1 + random.nextInt(200));
                out.addAll(s.feed(Arrays.copyOfRange(body, at, at + n)));
                at += n;
            }
            assertThat(render(out)).as(v.description() + " round " + round).isEqualTo(v.expect());
        }
    }

    /** Verifies that all the vectors streamed back to back, in one chunk and in small ones, give every document in order. */
    @Test
    void allVectorsAsOneStream() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        vectors().filter(v -> !v.args().containsKey("limit")).forEach(v -> {
            all.writeBytes(v.body());
            all.writeBytes("\n".getBytes(StandardCharsets.US_ASCII));
            expected.addAll(v.expect());
        });
        byte[] body = all.toByteArray();
        assertThat(render(new XsiStream().feed(body))).isEqualTo(expected);

        XsiStream s = new XsiStream();
        List<XsiMessage> out = new ArrayList<>();
        for (int at = 0; at < body.length; at += 7) {
            out.addAll(s.feed(Arrays.copyOfRange(body, at, Math.min(body.length, at + 7))));
        }
        assertThat(render(out)).isEqualTo(expected);
        assertThat(s.refused()).isEqualTo(expected.stream().filter(l -> l.startsWith("refused")).count());
    }

    /**
     * Verifies that an endless event (a server that never closes it) is refused once it passes the
     * limit and is never held: the reader's buffer stays near the limit however much arrives.
     */
    @Test
    void anEndlessEventIsNotHeld() {
        XsiStream s = new XsiStream(4096);
        List<XsiMessage> out = new ArrayList<>(s.feed("<xsi:Event xmlns:xsi=\"http://schema.broadsoft.com/xsi\"><xsi:eventData>".getBytes(StandardCharsets.UTF_8)));
        byte[] filler = "<a>text</a>".repeat(1000).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 200; i++) { // about 2 MB
            out.addAll(s.feed(filler));
            assertThat(s.held()).isLessThan(8192 + filler.length);
        }
        assertThat(out).hasSize(1).first().isInstanceOf(Refused.class);
        // the next document is read again as soon as one begins
        out = s.feed("<?xml version=\"1.0\"?><ChannelHeartBeat xmlns=\"http://schema.broadsoft.com/xsi\"/>".getBytes(StandardCharsets.UTF_8));
        assertThat(out).containsExactly(new HeartBeat());
    }

    /** Verifies that a single enormous tag (an attribute value of megabytes) is not held either. */
    @Test
    void anEnormousTagIsNotHeld() {
        XsiStream s = new XsiStream(4096);
        List<XsiMessage> out = new ArrayList<>(s.feed("<ChannelHeartBeat a=\"".getBytes(StandardCharsets.UTF_8)));
        byte[] filler = "y".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 100; i++) {
            out.addAll(s.feed(filler));
            assertThat(s.held()).isLessThan(8192 + filler.length);
        }
        out.addAll(s.feed("\"/><ChannelHeartBeat/>".getBytes(StandardCharsets.UTF_8)));
        assertThat(render(out)).containsExactly("refused ack=-", "heartbeat");
    }

    /**
     * Verifies that the reader answers any mutated stream (bit flips, cuts, repeats, splices, Xsi
     * fragments) with documents or refusals, never an exception, in any chunking, and that after a
     * mutated stream a declared document is read again (the reader re-synchronises on it).
     */
    @Test
    void mutatedStreamsNeverCrashTheReader() {
        List<Vector> seeds = vectors().toList();
        Random random = new Random(Long.getLong("ctistream.fuzz.seed", 17));
        byte[] next = "\n<?xml version=\"1.0\"?><ChannelHeartBeat xmlns=\"http://schema.broadsoft.com/xsi\"/>".getBytes(StandardCharsets.UTF_8);
        int resynced = 0;
        int count = Integer.getInteger("ctistream.fuzz.count", 5_000);
        for (int i = 0; i < count; i++) {
            Vector seed = seeds.get(random.nextInt(seeds.size()));
            byte[] body = io.ctistream.connector.core.testkit.Mutations.mutate(seed.body(), random, "<xsi:Event>", "</xsi:Event>", "<?xml version=\"1.0\"?>",
                    "<![CDATA[", "]]>", "<!--", "-->", "\"", "<ChannelHeartBeat/>", "</");
            XsiStream s = new XsiStream(2048);
            List<XsiMessage> out = new ArrayList<>();
            int at = 0;
            try {
                while (at < body.length) {
                    int n = Math.min(body.length - at, 1 + random.nextInt(64));
                    out.addAll(s.feed(Arrays.copyOfRange(body, at, at + n)));
                    at += n;
                }
                List<XsiMessage> after = s.feed(next);
                resynced += !after.isEmpty() && after.get(after.size() - 1) instanceof HeartBeat ? 1 : 0;
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError(seed.file() + " mutation #" + i + " crashed the reader", e);
            }
            assertThat(s.held()).isLessThan(2048 + 4096 + 64);
        }
        // a mutation can leave a comment, CDATA section or quoted value open, which rightly swallows what follows
        assertThat(resynced).as("streams after which a declared heartbeat was read").isGreaterThan(count * 8 / 10);
    }

    /** Verifies the request bodies the connector sends (section 5 shapes) and the subscription answer. */
    @Test
    void requestBodies() {
        assertThat(new String(XsiEventsCodec.channel("set-1", 1, 50, 3600), StandardCharsets.UTF_8)).isEqualTo(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Channel xmlns=\"http://schema.broadsoft.com/xsi\"><channelSetId>set-1</channelSetId>"
                        + "<priority>1</priority><weight>50</weight><expires>3600</expires></Channel>");
        assertThat(new String(XsiEventsCodec.eventResponse("ev<1>"), StandardCharsets.UTF_8)).isEqualTo(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EventResponse xmlns=\"http://schema.broadsoft.com/xsi\"><eventID>ev&lt;1&gt;</eventID>"
                        + "<statusCode>200</statusCode><reason>OK</reason></EventResponse>");
        assertThat(new String(XsiEventsCodec.subscription("Call Center Queue", 3600, "set-1", "ctistream"), StandardCharsets.UTF_8)).isEqualTo(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Subscription xmlns=\"http://schema.broadsoft.com/xsi\"><targetIdType>User</targetIdType>"
                        + "<event>Call Center Queue</event><expires>3600</expires><channelSetId>set-1</channelSetId><applicationId>ctistream</applicationId></Subscription>");
        assertThat(XsiEventsCodec.subscriptionAnswer(("<Subscription xmlns=\"http://schema.broadsoft.com/xsi\"><subscriptionId>s-9</subscriptionId>"
                + "<expires>1800</expires></Subscription>").getBytes(StandardCharsets.UTF_8))).isEqualTo(new XsiEventsCodec.SubscriptionAnswer("s-9", 1800));
    }

    private static XsiStream stream(Vector v) {
        String limit = v.args().get("limit");
        return limit == null ? new XsiStream() : new XsiStream(Integer.parseInt(limit));
    }

    static List<String> render(List<XsiMessage> messages) {
        List<String> out = new ArrayList<>();
        for (XsiMessage m : messages) {
            if (m instanceof ChannelOpened c) {
                out.add("channel id=" + c.channelId() + " expires=" + dash(c.expires()));
            } else if (m instanceof HeartBeat) {
                out.add("heartbeat");
            } else if (m instanceof ChannelTerminated t) {
                out.add("terminated channel=" + dash(t.channelId()) + " reason=" + dash(t.reason()));
            } else if (m instanceof SubscriptionTerminated t) {
                out.add("subscription-terminated event=" + t.header().eventId() + " seq=" + dash(t.header().sequenceNumber()) + " sub="
                        + dash(t.header().subscriptionId()) + " target=" + dash(t.header().targetId()));
            } else if (m instanceof AcdCall a) {
                QueueEntry e = a.entry();
                out.add("acd " + a.kind() + " event=" + a.header().eventId() + " seq=" + dash(a.header().sequenceNumber()) + " target="
                        + dash(a.header().targetId()) + " call=" + e.callId() + " ext=" + dash(e.extTrackingId()) + " from=" + dash(e.remoteAddress())
                        + " added=" + dash(e.addTime()) + " removed=" + dash(e.removeTime()) + " position=" + dash(a.position())
                        + " answeredBy=" + dash(e.answeringUserId()));
            } else if (m instanceof AcdQueueState q) {
                out.add("queue-state resync=" + q.resync() + " event=" + q.header().eventId() + " seq=" + dash(q.header().sequenceNumber())
                        + " sub=" + dash(q.header().subscriptionId()) + " target=" + dash(q.header().targetId()) + " calls=" + q.entries().size());
                for (QueueEntry e : q.entries()) {
                    out.add("entry call=" + e.callId() + " ext=" + dash(e.extTrackingId()) + " from=" + dash(e.remoteAddress()) + " name="
                            + dash(e.remoteName()) + " added=" + dash(e.addTime()) + " removed=" + dash(e.removeTime()) + " answeredBy="
                            + dash(e.answeringUserId()));
                }
            } else if (m instanceof QueueMonitoring q) {
                out.add("monitoring event=" + q.header().eventId() + " target=" + dash(q.header().targetId()) + " aht=" + figure(q.averageHandlingTime())
                        + " ewt=" + figure(q.expectedWaitTime()) + " asa=" + figure(q.averageSpeedOfAnswer()) + " longest=" + figure(q.longestWaitTime())
                        + " calls=" + figure(q.callsInQueue()) + " assigned=" + dash(q.agentsAssigned()) + " staffed=" + dash(q.agentsStaffed())
                        + " idle=" + dash(q.agentsIdle()) + " unavailable=" + dash(q.agentsUnavailable()) + " ack=" + dash(q.eventIdToAcknowledge()));
            } else if (m instanceof Other o) {
                out.add("other " + o.eventType() + " event=" + o.header().eventId() + " ack=" + dash(o.eventIdToAcknowledge()));
            } else if (m instanceof Refused r) {
                out.add("refused ack=" + dash(r.eventId()));
            }
        }
        return out;
    }

    private static String figure(Figure f) {
        return f == null ? "-" : f.value() + "/" + dash(f.severity());
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }
}
