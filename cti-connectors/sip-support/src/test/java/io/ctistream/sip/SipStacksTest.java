package io.ctistream.sip;

import static org.assertj.core.api.Assertions.assertThat;

import gov.nist.javax.sip.stack.SIPServerTransaction;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.message.MessageFactory;
import javax.sip.message.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A NOTIFY's server transaction over UDP lives 32 s after its 200 to absorb retransmissions. Released, it must
 * have let go of the parsed request and still answer a retransmission from the response's bytes, without
 * handing the retransmission to the listener a second time.
 */
class SipStacksTest {

    @ParameterizedTest(name = "released: {0}")
    @ValueSource(booleans = {true, false})
    void aReleasedTransactionDropsItsRequestAndStillAbsorbsRetransmissions(boolean release) throws Exception {
        Properties extra = new Properties();
        extra.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1"); // one thread: requests are handled in order
        SipStack stack = SipStacks.create("release-test-" + release, extra);
        MessageFactory messages = SipFactory.getInstance().createMessageFactory();
        List<String> delivered = new CopyOnWriteArrayList<>();
        List<ServerTransaction> transactions = new CopyOnWriteArrayList<>();
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            peer.setSoTimeout(10_000);
            int port = FreePort.find("127.0.0.1");
            ListeningPoint lp = stack.createListeningPoint("127.0.0.1", port, ListeningPoint.UDP);
            SipProvider provider = stack.createSipProvider(lp);
            provider.addSipListener(new RequestListener() {
                @Override
                public void processRequest(RequestEvent event) {
                    delivered.add(event.getRequest().getHeader("CSeq").toString().trim());
                    try {
                        ServerTransaction st = event.getServerTransaction() != null ? event.getServerTransaction()
                                : provider.getNewServerTransaction(event.getRequest());
                        if (release) {
                            SipStacks.releaseRequestWhenAnswered(st);
                        }
                        transactions.add(st);
                        st.sendResponse(messages.createResponse(Response.OK, event.getRequest()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            stack.start();
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            byte[] first = RawNotify.bytes(port, peer.getLocalPort(), "z9hG4bK-release-1", 1, "release-test@127.0.0.1", "");

            // WHEN a NOTIFY is answered
            assertThat(exchange(peer, target, first)).startsWith("SIP/2.0 200");
            // THEN a released transaction holds no parsed request; an unreleased one does
            SIPServerTransaction st = (SIPServerTransaction) transactions.get(0);
            assertThat(st.getOriginalRequest() == null).as("request released").isEqualTo(release);

            // WHEN the AS retransmits it (same branch), then sends the next NOTIFY
            assertThat(exchange(peer, target, first)).as("the retransmission is answered").startsWith("SIP/2.0 200");
            assertThat(exchange(peer, target, RawNotify.bytes(port, peer.getLocalPort(), "z9hG4bK-release-2", 2, "release-test@127.0.0.1", "")))
                    .startsWith("SIP/2.0 200");
            // THEN the listener saw each NOTIFY once
            assertThat(delivered).extracting(s -> s.replaceAll("\\s+", " ")).containsExactly("CSeq: 1 NOTIFY", "CSeq: 2 NOTIFY");
        } finally {
            stack.stop();
        }
    }

    private static String exchange(DatagramSocket peer, InetSocketAddress target, byte[] request) throws Exception {
        peer.send(new DatagramPacket(request, request.length, target));
        byte[] buf = new byte[4096];
        DatagramPacket answer = new DatagramPacket(buf, buf.length);
        peer.receive(answer);
        return new String(buf, 0, answer.getLength(), StandardCharsets.UTF_8);
    }
}
