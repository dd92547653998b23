package io.ctistream.connector.finesse.xmpp;

import io.ctistream.connector.core.Failure;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps what sessions told it, for assertions from the test thread. */
final class RecordingListener implements XmppSessionListener {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final List<Failure> lost = new CopyOnWriteArrayList<>();
    final List<String> malformed = new CopyOnWriteArrayList<>();
    final List<XmppSession.State> states = new CopyOnWriteArrayList<>();
    final AtomicInteger established = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void message(XmppSession session, String stanza) {
        threads.add(Thread.currentThread().getName());
        messages.add(stanza);
    }

    @Override
    public void established(XmppSession session) {
        established.incrementAndGet();
    }

    @Override
    public void lost(XmppSession session, Failure reason) {
        lost.add(reason);
    }

    @Override
    public void closed(XmppSession session) {
        closed.incrementAndGet();
    }

    @Override
    public void malformed(XmppSession session, String why) {
        malformed.add(why);
    }

    @Override
    public void stateChanged(XmppSession session, XmppSession.State from, XmppSession.State to) {
        states.add(to);
    }
}
