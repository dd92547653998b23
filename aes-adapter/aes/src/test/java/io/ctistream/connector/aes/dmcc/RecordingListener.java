package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what a session told it, in order, for assertions from the test thread. */
final class RecordingListener implements DmccSession.Listener {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<DmccSession.Recovery> ups = new CopyOnWriteArrayList<>();
    final List<String> downs = new CopyOnWriteArrayList<>();
    final List<DmccMessage> events = new CopyOnWriteArrayList<>();
    final List<String> malformed = new CopyOnWriteArrayList<>();
    final List<String> refused = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void sessionUp(DmccSession.Recovery how) {
        record("up " + how);
        ups.add(how);
    }

    @Override
    public void sessionDown(String reason) {
        record("down");
        downs.add(reason);
    }

    @Override
    public void event(DmccMessage message) {
        record("event");
        events.add(message);
    }

    @Override
    public void malformed(String what) {
        record("malformed");
        malformed.add(what);
    }

    @Override
    public void refused(String reason) {
        record("refused");
        refused.add(reason);
    }

    private void record(String call) {
        threads.add(Thread.currentThread().getName());
        calls.add(call);
    }
}
