package io.ctistream.sip;

import gov.nist.javax.sip.ReleaseReferencesStrategy;
import gov.nist.javax.sip.TransactionExt;
import java.util.Properties;
import javax.sip.PeerUnavailableException;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipStack;

/** Creates NIST SIP stacks with ctistream's loggers and settings that suit an event-package client or server. */
public final class SipStacks {
    private SipStacks() {
    }

    /**
     * A stack without automatic dialog support (ctistream keeps its own subscription dialogs),
     * with SLF4J logging, UDP received into a buffer it keeps (ADR 033), and the given extra
     * properties (TLS key and trust stores, for example).
     */
    public static SipStack create(String name, Properties extra) {
        Properties p = new Properties();
        p.setProperty("javax.sip.STACK_NAME", name);
        p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
        p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "4");
        p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "1048576");
        // UDP received into one kept buffer, not a fresh 64 KiB array per datagram (ADR 033)
        p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", CtiMessageProcessorFactory.class.getName());
        p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
        p.setProperty("gov.nist.javax.sip.DELIVER_UNSOLICITED_NOTIFY", "true");
        p.setProperty("gov.nist.javax.sip.RECEIVE_UDP_BUFFER_SIZE", String.valueOf(4 * 1024 * 1024));
        p.setProperty("gov.nist.javax.sip.SEND_UDP_BUFFER_SIZE", String.valueOf(4 * 1024 * 1024));
        p.putAll(extra);
        try {
            SipFactory factory = SipFactory.getInstance();
            factory.setPathName("gov.nist");
            return factory.createSipStack(p);
        } catch (PeerUnavailableException e) {
            throw new IllegalStateException("cannot create the SIP stack '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * Has a server transaction let go of its parsed request once its final response is sent. A non-INVITE
     * server transaction over UDP lives on for Timer J (64 × T1 = 32 s) to absorb retransmissions; by default
     * it holds the whole parsed request all that time, which at 2,000 NOTIFYs a second is ~64,000 parsed
     * requests. Released, it keeps what matching and answering a retransmission need (the branch, the sender,
     * the response's bytes). For transactions whose request nothing reads back from the transaction.
     */
    public static void releaseRequestWhenAnswered(ServerTransaction st) {
        if (st instanceof TransactionExt ext) {
            ext.setReleaseReferencesStrategy(ReleaseReferencesStrategy.Aggressive);
        }
    }
}
