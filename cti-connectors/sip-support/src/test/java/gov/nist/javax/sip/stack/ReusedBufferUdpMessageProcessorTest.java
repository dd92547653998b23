package gov.nist.javax.sip.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ctistream.sip.FreePort;
import io.ctistream.sip.RawNotify;
import io.ctistream.sip.RequestListener;
import io.ctistream.sip.SipStacks;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.header.CSeqHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Response;
import org.junit.jupiter.api.Test;

/**
 * The stacks {@link SipStacks} makes receive UDP into one kept buffer (ADR 033). A burst of datagrams of
 * different sizes, one near the 64 KiB limit, must reach the listener each whole and unmixed: were the kept
 * buffer queued instead of a copy, later datagrams would overwrite earlier ones before they were parsed. And
 * the stack must still send from its listening socket (SIPp answers the source address: SippInteropIT).
 */
class ReusedBufferUdpMessageProcessorTest {

    @Test
    void aBurstOfDatagramsArrivesWholeAndUnmixed() throws Exception {
        Properties extra = new Properties();
        extra.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1"); // one worker: the queue fills behind it
        SipStack stack = SipStacks.create("reused-buffer-test", extra);
        MessageFactory messages = SipFactory.getInstance().createMessageFactory();
        Map<Long, String> bodies = new ConcurrentHashMap<>();
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            int port = FreePort.find("127.0.0.1");
            ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
            SipProvider provider = stack.createSipProvider(lp);
            provider.addSipListener(new RequestListener() {
                @Override
                public void processRequest(RequestEvent event) {
                    long cseq = ((CSeqHeader) event.getRequest().getHeader(CSeqHeader.NAME)).getSeqNumber();
                    bodies.put(cseq, new String(event.getRequest().getRawContent(), StandardCharsets.US_ASCII));
                    try {
                        provider.sendResponse(messages.createResponse(Response.OK, event.getRequest()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            stack.start();
            assertThat(((SIPTransactionStack) stack).getMessageProcessors())
                    .hasAtLeastOneElementOfType(ReusedBufferUdpMessageProcessor.class);

            // WHEN 40 NOTIFYs of different sizes are sent back to back, the 20th of ~60 KB
            Map<Long, String> sent = new TreeMap<>();
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            for (long cseq = 1; cseq <= 40; cseq++) {
                String body = body(cseq, cseq == 20 ? 60_000 : (int) (41 - cseq) * 37);
                sent.put(cseq, body);
                byte[] bytes = RawNotify.bytes(port, peer.getLocalPort(), "z9hG4bK-burst-" + cseq, cseq, "burst-test@127.0.0.1", body);
                peer.send(new DatagramPacket(bytes, bytes.length, target));
            }
            // THEN each reached the listener whole, with its own body
            await().atMost(Duration.ofSeconds(20)).until(() -> bodies.size() == sent.size());
            assertThat(new TreeMap<>(bodies)).isEqualTo(sent);
            // AND the answers left from the listening socket, where a peer that answers the source address sends
            peer.setSoTimeout(10_000);
            DatagramPacket answer = new DatagramPacket(new byte[4096], 4096);
            peer.receive(answer);
            assertThat(answer.getPort()).as("source port of the stack's answer").isEqualTo(port);
        } finally {
            stack.stop();
        }
    }

    private static String body(long cseq, int length) {
        char[] fill = new char[length];
        Arrays.fill(fill, (char) ('a' + cseq % 26));
        return "notify " + cseq + " " + new String(fill);
    }
}
