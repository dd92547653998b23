/**
 * A small XMPP client for Finesse's notification service: XMPP over WebSocket (RFC 7395) on the
 * Vert.x WebSocket client, one {@link io.ctistream.connector.finesse.xmpp.XmppSession} per agent,
 * no threads of its own (ADR 011). Only what Finesse needs: SASL PLAIN, bind, presence, XEP-0199
 * pings, XEP-0060 subscribe and unsubscribe, and {@code <message>} stanzas passed on as text for
 * the codec.
 */
package io.ctistream.connector.finesse.xmpp;
