package io.ctistream.simulator.finesse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One user's state on the simulated Finesse; touched only on the simulator's event loop. */
final class SimAgent {
    final UserSpec spec;
    String state = "LOGOUT";
    int reasonCodeId = -1;
    String pendingState = "";
    int pendingReasonId = -1;
    Instant stateChangeTime;
    String extension = "";
    /** The state the agent had when its current calls began: decides where it goes after them. */
    String stateBeforeCall;
    int reasonBeforeCall = -1;
    /** True once one of the current calls was answered: only talked calls end in wrap-up. */
    boolean talkedSinceIdle;
    /** Where the agent goes when wrap-up (WORK / WORK_READY) ends. */
    String afterWrapUp;
    int afterWrapUpReason = -1;
    long wrapUpTimer = -1;
    final List<SimDialog> dialogs = new ArrayList<>();
    int failedLogins;
    Instant lockedUntil;
    /** XMPP sessions with available presence, over both sides. */
    int liveSessions;
    long graceTimer = -1;
    int dropNotifications;
    /** The password now (an administrator may change it); starts as the spec's. */
    String password;
    /** User state requests (PUT /User/{id}) received, and whether they are accepted but never acted on. */
    int stateRequests;
    boolean ignoreRequests;

    SimAgent(UserSpec spec) {
        this.spec = spec;
        this.password = spec.password();
    }

    String id() {
        return spec.loginId();
    }

    boolean signedIn() {
        return !"LOGOUT".equals(state);
    }

    boolean onCall() {
        return !dialogs.isEmpty();
    }

    SimDialog dialog(String id) {
        for (SimDialog d : dialogs) {
            if (d.id.equals(id)) {
                return d;
            }
        }
        return null;
    }
}
