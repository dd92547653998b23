package io.ctistream.connector.broadworks;

import io.ctistream.connector.core.Failure;
import io.ctistream.sip.FreePort;
import io.ctistream.sip.SipStacks;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.sip.ClientTransaction;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's SIP endpoint: one JAIN-SIP stack and listening point, SUBSCRIBEs out as client
 * transactions (their final response completes a future on the connector's context), NOTIFYs in.
 * A NOTIFY for a known subscription dialog is answered 200 at once, on the stack's thread, and then
 * handed to the subscription on the context; an unknown dialog gets 481.
 */
final class SipLayer implements SipListener {
    private static final Logger LOG = LoggerFactory.getLogger(SipLayer.class);
    private static final AtomicLong STACKS = new AtomicLong();

    /** What receives a NOTIFY of its dialog, on the connector's context. */
    interface NotifyTarget {
        /** @param receivedNanos {@link System#nanoTime()} when the NOTIFY came off the wire */
        void onNotify(Request notify, long receivedNanos);
    }

    private final BroadWorksConfig config;
    private final Context context;
    private final Map<String, NotifyTarget> dialogs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> closed = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 10_000;
        }
    });
    private SipStack stack;
    private SipProvider provider;
    AddressFactory addresses;
    HeaderFactory headers;
    MessageFactory messages;
    private int port;
    private volatile long lastResponseAt;
    private volatile long lastTransportErrorAt;

    SipLayer(BroadWorksConfig config, Context context) {
        this.config = config;
        this.context = context;
    }

    void start() {
        try {
            port = config.bindPort() == 0 ? FreePort.find(config.bindHost()) : config.bindPort();
            Properties tls = new Properties();
            if (config.transport().equals("tls")) {
                BroadWorksConfig.Tls t = config.tls();
                tls.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2,TLSv1.3");
                tls.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "Disabled");
                putIfSet(tls, "javax.net.ssl.keyStore", t.keyStore());
                putIfSet(tls, "javax.net.ssl.keyStorePassword", t.keyStorePassword());
                putIfSet(tls, "javax.net.ssl.trustStore", t.trustStore());
                putIfSet(tls, "javax.net.ssl.trustStorePassword", t.trustStorePassword());
                if (t.keyStore() != null) {
                    tls.setProperty("javax.net.ssl.keyStoreType", t.keyStore().endsWith(".jks") ? "jks" : "pkcs12");
                }
                if (t.trustStore() != null) {
                    tls.setProperty("javax.net.ssl.trustStoreType", t.trustStore().endsWith(".jks") ? "jks" : "pkcs12");
                }
                if (t.hostnameVerification()) {
                    tls.setProperty("gov.nist.javax.sip.TLS_SECURITY_POLICY", HostnameVerifyingTlsPolicy.class.getName());
                } else {
                    LOG.warn("tls hostname verification is off: any certificate the trust store accepts is taken for the AS");
                }
            }
            stack = SipStacks.create("ctistream-bw-" + STACKS.incrementAndGet(), tls);
            SipFactory factory = SipFactory.getInstance();
            addresses = factory.createAddressFactory();
            headers = factory.createHeaderFactory();
            messages = factory.createMessageFactory();
            ListeningPoint lp = stack.createListeningPoint(config.bindHost(), port, config.transport());
            provider = stack.createSipProvider(lp);
            provider.addSipListener(this);
            stack.start();
            LOG.info("sip endpoint listening [host={}, port={}, transport={}]", config.bindHost(), port, config.transport());
        } catch (Exception e) {
            throw new IllegalStateException("the sip endpoint did not start on " + config.bindHost() + ":" + config.bindPort()
                    + " (" + config.transport() + "): " + e.getMessage(), e);
        }
    }

    private static void putIfSet(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    void stop() {
        if (stack != null) {
            stack.stop();
        }
    }

    int port() {
        return port;
    }

    /** Client transactions the stack holds now (SUBSCRIBEs in flight or lingering in Completed). */
    int clientTransactions() {
        return stack instanceof gov.nist.javax.sip.stack.SIPTransactionStack s ? s.getClientTransactionTableSize() : -1;
    }

    /** When the AS was last heard: a final response or a NOTIFY (System.nanoTime). */
    long lastHeardAt() {
        return lastResponseAt;
    }

    /** True unless the last thing the transport did was fail. */
    boolean up() {
        return stack != null && lastTransportErrorAt <= lastResponseAt;
    }

    void register(String callId, NotifyTarget target) {
        dialogs.put(callId, target);
    }

    /** Forgets a dialog; a late NOTIFY for it is still answered 200 (it ended on our side). */
    void unregister(String callId) {
        if (dialogs.remove(callId) != null) {
            closed.put(callId, Boolean.TRUE);
        }
    }

    String newCallId() {
        return provider.getNewCallId().getCallId();
    }

    /** Our Contact: where the AS sends NOTIFYs. */
    Address contact() throws Exception {
        SipURI uri = addresses.createSipURI("ctistream", config.contactHost());
        uri.setPort(port);
        uri.setTransportParam(config.transport());
        return addresses.createAddress(uri);
    }

    /** The outbound proxy as a loose route, or null. */
    Address outboundRoute() throws Exception {
        if (config.outboundProxy() == null) {
            return null;
        }
        String hostPort = config.outboundProxy();
        int colon = hostPort.lastIndexOf(':');
        SipURI uri = addresses.createSipURI(null, colon > 0 ? hostPort.substring(0, colon) : hostPort);
        if (colon > 0) {
            uri.setPort(Integer.parseInt(hostPort.substring(colon + 1)));
        }
        uri.setLrParam();
        uri.setTransportParam(config.transport());
        return addresses.createAddress(uri);
    }

    /** An OPTIONS to the outbound proxy (the AS as this connector reaches it), or null without one. */
    Request options() throws Exception {
        Address proxy = outboundRoute();
        if (proxy == null) {
            return null;
        }
        SipURI target = (SipURI) proxy.getURI().clone();
        target.removeParameter("lr");
        Address us = addresses.createAddress(addresses.createSipURI("ctistream", config.contactHost()));
        Request req = messages.createRequest(target, Request.OPTIONS, provider.getNewCallId(), headers.createCSeqHeader(1L, Request.OPTIONS),
                headers.createFromHeader(us, Long.toHexString(System.nanoTime())), headers.createToHeader(addresses.createAddress(target), null),
                List.of(via()), headers.createMaxForwardsHeader(70));
        req.addHeader(headers.createContactHeader(contact()));
        req.addHeader(headers.createUserAgentHeader(List.of("ctistream")));
        return req;
    }

    javax.sip.header.ViaHeader via() throws Exception {
        return headers.createViaHeader(config.contactHost(), port, config.transport(), null);
    }

    /** Sends a request; the future completes on the context with the final response, or fails retriably. */
    Future<Response> send(Request request) {
        Promise<Response> promise = Promise.promise();
        try {
            ClientTransaction ct = provider.getNewClientTransaction(request);
            ct.setApplicationData(promise);
            ct.sendRequest();
        } catch (Exception e) {
            lastTransportErrorAt = System.nanoTime();
            promise.fail(Failure.retriable("SIP_TRANSPORT", "could not send " + request.getMethod() + ": " + e.getMessage()));
        }
        return promise.future();
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        if (response.getStatusCode() < 200) {
            return;
        }
        lastResponseAt = System.nanoTime();
        ClientTransaction ct = event.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof Promise<?> p) {
            @SuppressWarnings("unchecked")
            Promise<Response> promise = (Promise<Response>) p;
            context.runOnContext(v -> promise.tryComplete(response));
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
        ClientTransaction ct = event.getClientTransaction();
        if (ct != null && ct.getApplicationData() instanceof Promise<?> p) {
            if (!Request.OPTIONS.equals(ct.getRequest().getMethod())) {
                lastTransportErrorAt = System.nanoTime(); // an unanswered probe is the probe's to judge (an SBC may never answer one)
            }
            context.runOnContext(v -> p.tryFail(Failure.retriable("SIP_TIMEOUT", "the AS did not answer a "
                    + ct.getRequest().getMethod())));
        }
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
        lastTransportErrorAt = System.nanoTime();
        LOG.info("sip transport error [peer={}:{}, transport={}]", event.getHost(), event.getPort(), event.getTransport());
    }

    @Override
    public void processRequest(RequestEvent event) {
        long receivedNanos = System.nanoTime();
        Request request = event.getRequest();
        ServerTransaction st = event.getServerTransaction();
        try {
            if (st == null) {
                st = provider.getNewServerTransaction(request);
            }
            SipStacks.releaseRequestWhenAnswered(st); // the NOTIFY is handed on below, never read back from the transaction
        } catch (Exception e) {
            return; // a retransmission of something already being answered
        }
        try {
            if (!Request.NOTIFY.equals(request.getMethod())) {
                st.sendResponse(messages.createResponse(Response.METHOD_NOT_ALLOWED, request));
                return;
            }
            String callId = ((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId();
            NotifyTarget target = dialogs.get(callId);
            if (target == null && !closed.containsKey(callId)) {
                st.sendResponse(messages.createResponse(Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, request));
                return;
            }
            Response ok = messages.createResponse(Response.OK, request);
            ToHeader to = (ToHeader) ok.getHeader(ToHeader.NAME);
            if (to.getTag() == null) {
                to.setTag("ctistream");
            }
            st.sendResponse(ok);
            lastResponseAt = System.nanoTime();
            if (target != null) {
                context.runOnContext(v -> target.onNotify(request, receivedNanos));
            }
        } catch (Exception e) {
            LOG.warn("could not answer a {}", request.getMethod(), e);
        }
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    /** Content type of a message as "type/subtype;params", or null. */
    static String contentType(javax.sip.message.Message m) {
        ContentTypeHeader ct = (ContentTypeHeader) m.getHeader(ContentTypeHeader.NAME);
        if (ct == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(ct.getContentType()).append('/').append(ct.getContentSubType());
        List<String> names = new ArrayList<>();
        ct.getParameterNames().forEachRemaining(n -> names.add((String) n));
        for (String n : names) {
            b.append(';').append(n).append('=').append(ct.getParameter(n));
        }
        return b.toString();
    }

    static URI uri(AddressFactory f, String s) throws Exception {
        return f.createURI(s);
    }
}
