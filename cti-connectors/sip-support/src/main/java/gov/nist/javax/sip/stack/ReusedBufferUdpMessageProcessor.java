package gov.nist.javax.sip.stack;

import gov.nist.core.ThreadAuditor;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.LinkedList;
import javax.sip.IOExceptionEvent;
import javax.sip.SipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ctistream's UDP receiver for the NIST stack (ADR 033): the stock {@link UDPMessageProcessor} allocates a
 * fresh 64 KiB array for every datagram it receives and queues it whole until a worker parses it, so a
 * connector taking 2,000 NOTIFYs a second made 128 MiB/s of garbage before it parsed a byte. This one
 * receives into one buffer it keeps and queues a copy of exactly the bytes that came; the limit (64 KiB,
 * or the stack's smaller {@code MAX_MESSAGE_SIZE}), the queue, the workers, the sending socket (this
 * one, so that a peer answering the source address, as SIPp does, reaches us) and the reporting of receive
 * errors are the stock processor's.
 *
 * <p>It sits in the stack's package because the workers' constructor is protected there; it is made by
 * {@code io.ctistream.sip.CtiMessageProcessorFactory}, which {@code SipStacks} names to the stack.
 */
public final class ReusedBufferUdpMessageProcessor extends UDPMessageProcessor {
    private static final Logger LOG = LoggerFactory.getLogger(ReusedBufferUdpMessageProcessor.class);
    private static final int MAX_ERRORS_REPORTED = 10;
    private final int limit;
    private int errorsReported;

    public ReusedBufferUdpMessageProcessor(InetAddress address, SIPTransactionStack stack, int port) throws IOException {
        super(address, stack, port);
        stack.udpFlag = true; // as the stock factory does: send from this socket, so answers to our source port reach us
        int max = stack.getMaxMessageSize();
        this.limit = max > 0 && max < SipStackImpl.MAX_DATAGRAM_SIZE ? max : SipStackImpl.MAX_DATAGRAM_SIZE;
    }

    @Override
    public void run() {
        boolean queued = sipStack.threadPoolSize != -1;
        messageChannels = new LinkedList<>();
        if (queued) {
            String name = ((SipStackImpl) sipStack).getStackName() + "-UDPMessageChannelThread-";
            for (int i = 0; i < sipStack.threadPoolSize; i++) {
                messageChannels.add(new UDPMessageChannel(sipStack, this, name + i));
            }
        }
        byte[] buffer = new byte[limit];
        ThreadAuditor.ThreadHandle audit = sipStack.getThreadAuditor() == null ? null : sipStack.getThreadAuditor().addCurrentThread();
        while (isRunning) {
            if (audit != null) {
                audit.ping();
            }
            try {
                DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                sock.receive(in);
                byte[] bytes = Arrays.copyOf(buffer, in.getLength());
                DatagramPacket packet = new DatagramPacket(bytes, bytes.length, in.getSocketAddress());
                if (queued) {
                    messageQueue.offer(new DatagramQueuedMessageDispatch(packet, System.currentTimeMillis()));
                } else {
                    new UDPMessageChannel(sipStack, this, packet);
                }
                errorsReported = 0;
            } catch (SocketTimeoutException idle) {
                // the thread auditor's ping interval: nothing came
            } catch (SocketException e) {
                if (!isRunning) {
                    return; // stopped: the socket was closed under us
                }
                report(e);
            } catch (Exception e) {
                report(e);
            }
        }
    }

    /**
     * As the stock processor does: a warning and the listener's {@code processIOException} (the connector's
     * transport-error signal), at most {@value #MAX_ERRORS_REPORTED} times until a datagram is received again.
     */
    private void report(Exception e) {
        if (errorsReported >= MAX_ERRORS_REPORTED) {
            return;
        }
        errorsReported++;
        String host = sock.getLocalAddress().getHostAddress();
        LOG.warn("sip udp receive failed, carrying on [address={}, port={}]: {}{}", host, getPort(), e.toString(),
                errorsReported == MAX_ERRORS_REPORTED ? " (no more reported until a datagram arrives)" : "");
        SipListener listener = sipStack.getSipListener();
        if (listener != null) {
            listener.processIOException(new IOExceptionEvent(this, host, getPort(), "UDP"));
        }
    }
}
