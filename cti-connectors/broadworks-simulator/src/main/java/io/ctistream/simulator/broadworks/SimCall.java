package io.ctistream.simulator.broadworks;

/** One call at a simulated user, as the dialog package reports it. */
final class SimCall {
    enum State { TRYING, PROCEEDING, EARLY, CONFIRMED, TERMINATED }

    final String id;
    final String callId;
    final boolean inbound;
    final String localIdentity;
    final String remote;
    final String remoteName;
    State state;
    boolean held;
    String endEvent;

    SimCall(String id, String callId, boolean inbound, String localIdentity, String remote, String remoteName, State state) {
        this.id = id;
        this.callId = callId;
        this.inbound = inbound;
        this.localIdentity = localIdentity;
        this.remote = remote;
        this.remoteName = remoteName;
        this.state = state;
    }
}
