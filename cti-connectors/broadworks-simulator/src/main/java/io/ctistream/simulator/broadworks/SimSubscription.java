package io.ctistream.simulator.broadworks;

import javax.sip.address.Address;
import javax.sip.address.URI;

/** One subscription dialog the simulated AS serves. */
final class SimSubscription {
    final String key;
    final SimUser user;
    final String pkg;
    final String eventId;
    final String callId;
    final String localTag;
    final String remoteTag;
    final Address asAddress;
    final Address subscriber;
    final URI contact;
    final String transport;
    long expiresAt;
    long cseq = 1;
    long dialogVersion;

    SimSubscription(SimUser user, String pkg, String eventId, String callId, String localTag, String remoteTag,
                    Address asAddress, Address subscriber, URI contact, String transport) {
        this.key = callId + ";" + localTag;
        this.user = user;
        this.pkg = pkg;
        this.eventId = eventId;
        this.callId = callId;
        this.localTag = localTag;
        this.remoteTag = remoteTag;
        this.asAddress = asAddress;
        this.subscriber = subscriber;
        this.contact = contact;
        this.transport = transport;
    }

    int remainingSeconds(long now) {
        return (int) Math.max(0, (expiresAt - now + 999) / 1000);
    }
}
