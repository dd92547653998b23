package io.ctistream.sip;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.OIOMessageProcessorFactory;
import gov.nist.javax.sip.stack.ReusedBufferUdpMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.io.IOException;
import java.net.InetAddress;

/**
 * The NIST stack's listening points as the stock factory makes them, but for UDP, which receives into a
 * buffer it keeps ({@link ReusedBufferUdpMessageProcessor}, ADR 033). Named to the stack by
 * {@link SipStacks#create}; the stack makes it by reflection, hence public with a public constructor.
 */
public final class CtiMessageProcessorFactory implements MessageProcessorFactory {
    private final MessageProcessorFactory stock = new OIOMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack stack, InetAddress address, int port, String transport)
            throws IOException {
        if ("udp".equalsIgnoreCase(transport)) {
            return new ReusedBufferUdpMessageProcessor(address, stack, port);
        }
        return stock.createMessageProcessor(stack, address, port, transport);
    }
}
