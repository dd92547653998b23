package io.ctistream.sip;

import java.nio.charset.StandardCharsets;

/** An in-dialog NOTIFY as an AS puts it on the wire over UDP, for tests that play the AS with a plain socket. */
public final class RawNotify {
    private RawNotify() {
    }

    /** @param body sent as text/plain; empty for none */
    public static byte[] bytes(int port, int peerPort, String branch, long cseq, String callId, String body) {
        return ("NOTIFY sip:ctistream@127.0.0.1:" + port + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + peerPort + ";branch=" + branch + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:as@127.0.0.1>;tag=as1\r\n"
                + "To: <sip:ctistream@127.0.0.1>;tag=ct1\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " NOTIFY\r\n"
                + "Event: as-feature-event\r\n"
                + "Subscription-State: active;expires=3600\r\n"
                + "Contact: <sip:as@127.0.0.1:" + peerPort + ">\r\n"
                + (body.isEmpty() ? "" : "Content-Type: text/plain\r\n")
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }
}
