package io.ctistream.simulator.broadworks;

import io.ctistream.sip.SipStacks;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ListeningPoint;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;

/**
 * The simulator's JAIN-SIP stack: UDP and TCP listening points (and TLS when configured) on one
 * provider, the factories, and the Contact the AS puts in its answers and NOTIFYs.
 */
final class SimStack {
    private static final AtomicLong STACKS = new AtomicLong();

    private final BroadWorksSimulator.Settings settings;
    private final SipStack stack;
    final SipProvider provider;
    final AddressFactory addresses;
    final HeaderFactory headers;
    final MessageFactory messages;
    private final Map<String, ContactHeader> contacts = new ConcurrentHashMap<>();

    /** Creates the stack and binds its listening points; nothing is received before {@link #start}. */
    SimStack(BroadWorksSimulator.Settings settings) throws Exception {
        this.settings = settings;
        Properties extra = new Properties();
        if (settings.tls() != null) {
            extra.setProperty("javax.net.ssl.keyStore", settings.tls().keyStore());
            extra.setProperty("javax.net.ssl.keyStorePassword", settings.tls().password());
            extra.setProperty("javax.net.ssl.keyStoreType", "pkcs12");
            extra.setProperty("javax.net.ssl.trustStore", settings.tls().trustStore());
            extra.setProperty("javax.net.ssl.trustStorePassword", settings.tls().password());
            extra.setProperty("javax.net.ssl.trustStoreType", "pkcs12");
            extra.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
            extra.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
        }
        this.stack = SipStacks.create("bw-simulator-" + STACKS.incrementAndGet(), extra);
        SipFactory factory = SipFactory.getInstance();
        this.addresses = factory.createAddressFactory();
        this.headers = factory.createHeaderFactory();
        this.messages = factory.createMessageFactory();
        ListeningPoint udp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.UDP);
        ListeningPoint tcp = stack.createListeningPoint(settings.host(), settings.port(), ListeningPoint.TCP);
        this.provider = stack.createSipProvider(udp);
        provider.addListeningPoint(tcp);
        if (settings.tls() != null) {
            provider.addListeningPoint(stack.createListeningPoint(settings.host(), settings.tls().port(), ListeningPoint.TLS));
        }
    }

    void start(SipListener listener) throws Exception {
        provider.addSipListener(listener);
        stack.start();
    }

    void stop() {
        stack.stop();
    }

    int portFor(String transport) {
        return "tls".equalsIgnoreCase(transport) && settings.tls() != null ? settings.tls().port() : settings.port();
    }

    /** The AS's Contact for a transport: made (a URI parsed) once per transport, each message given its own copy. */
    ContactHeader contact(String transport) throws Exception {
        ContactHeader made = contacts.get(transport);
        if (made == null) {
            SipURI uri = addresses.createSipURI(null, settings.host());
            uri.setPort(portFor(transport));
            uri.setTransportParam(transport);
            made = headers.createContactHeader(addresses.createAddress(uri));
            contacts.put(transport, made);
        }
        return (ContactHeader) made.clone();
    }
}
