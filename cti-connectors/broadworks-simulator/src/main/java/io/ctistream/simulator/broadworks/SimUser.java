package io.ctistream.simulator.broadworks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One BroadWorks user as the simulated AS holds it. Guarded by the simulator's executor. */
final class SimUser {
    enum AcdState { LOGGED_ON, READY, NOT_READY, WRAP_UP, LOGGED_OFF }

    record Forward(boolean on, String to, Integer rings) {
    }

    final String user;
    final String aor;
    final boolean hoteling;
    final Map<String, String> guestPasswords;
    final String digestPassword;
    String guest;
    String pendingNonce;
    String pendingGuest;
    AcdState agentState = AcdState.LOGGED_OFF;
    String reason;
    boolean dnd;
    final Map<String, Forward> forwarding = new HashMap<>();
    final List<SimCall> calls = new ArrayList<>();
    /** This user's live subscriptions (an index over the simulator's table, kept in step with it). */
    final List<SimSubscription> subscriptions = new ArrayList<>();
    boolean ignoreCommands;
    int commandsReceived;
    int lastCommandExpires;
    int dropNotifies;
    boolean fail481OnRefresh;
    long subscribes;

    SimUser(String user, String domain, boolean hoteling, Map<String, String> guestPasswords, String digestPassword) {
        this.user = user;
        this.aor = "sip:" + user + "@" + domain;
        this.hoteling = hoteling;
        this.guestPasswords = Map.copyOf(guestPasswords);
        this.digestPassword = digestPassword;
    }
}
