package io.ctistream.simulator.broadworks;

import io.ctistream.simulator.broadworks.xsi.XsiEventsServer;
import io.ctistream.simulator.broadworks.xsi.XsiQueueModel;
import io.ctistream.simulator.support.AcdPlan;
import io.ctistream.sip.FreePort;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIP notifier that behaves like a BroadWorks Application Server for many users: the
 * {@code x-broadworks-hoteling}, {@code as-feature-event} and {@code dialog} packages over UDP and
 * TCP, Digest challenges, reduced Expires grants and 423, multipart full-state NOTIFYs, the hoteling
 * nonce challenge, SetAgentState / DND / forwarding, calls, and fault injection. All state lives on
 * one executor thread; the public methods hop onto it and wait.
 *
 * <p>This class is the control facade; the work is done by its collaborators: {@link SimSip} (the
 * SIP listener: SUBSCRIBE, OPTIONS, dialogs, Digest), {@link SimCommands} (command bodies),
 * {@link SimNotifier} (NOTIFYs), {@link SimControl} (states, calls, the ACD mode), {@link SimFaults}
 * (fault injection), over the tables of {@link SimAs} and the stack of {@link SimStack}.
 */
public final class BroadWorksSimulator implements AutoCloseable {
    public static final String HOTELING = "x-broadworks-hoteling";
    public static final String FEATURE = "as-feature-event";
    public static final String DIALOG = "dialog";
    private static final Logger LOG = LoggerFactory.getLogger(BroadWorksSimulator.class);

    /**
     * @param maxExpires the longest subscription granted; longer requests are reduced to it
     * @param minExpires shorter requests get 423 Interval Too Brief with this Min-Expires
     */
    public record Settings(String host, int port, String domain, int maxExpires, int minExpires, String realm, Tls tls) {
        public static Settings loopback(int port) {
            return new Settings("127.0.0.1", port, "as.example", 3600, 60, "BroadWorks", null);
        }

        public Settings withExpires(int max, int min) {
            return new Settings(host, port, domain, max, min, realm, tls);
        }

        /** Also listens for SIP over TLS on {@code tlsPort} (0: a free one), with this certificate (PKCS12) and trust. */
        public Settings withTls(int tlsPort, String keyStore, String trustStore, String password) {
            return new Settings(host, port, domain, maxExpires, minExpires, realm, new Tls(tlsPort, keyStore, trustStore, password));
        }

        Settings withPorts(int port, int tlsPort) {
            return new Settings(host, port, domain, maxExpires, minExpires, realm,
                    tls == null ? null : new Tls(tlsPort, tls.keyStore(), tls.trustStore(), tls.password()));
        }
    }

    /** The simulator's TLS listener: its certificate, what it trusts when it opens connections to deliver NOTIFYs. */
    public record Tls(int port, String keyStore, String trustStore, String password) {
        @Override
        public String toString() {
            return "Tls[port=" + port + ", keyStore=" + keyStore + ", trustStore=" + trustStore + "]"; // no password
        }
    }

    /**
     * A user provisioned on the AS.
     *
     * @param guestPasswords for a hoteling host: the guests that may sign in and their passwords
     * @param digestPassword the SIP credential; null means SUBSCRIBEs are not challenged
     */
    public record UserSpec(String user, boolean hoteling, Map<String, String> guestPasswords, String digestPassword) {
    }

    private final Settings settings;
    private final SimAs as;
    private final SimStack stack;
    private final SimNotifier notifier;
    private final SimControl control;
    private final SimFaults faults;
    private final SimSip sip;

    private BroadWorksSimulator(Settings settings) throws Exception {
        this.settings = settings;
        this.as = new SimAs(settings);
        this.stack = new SimStack(settings);
        this.notifier = new SimNotifier(as, stack);
        this.control = new SimControl(as, notifier);
        this.faults = new SimFaults(as, notifier);
        this.sip = new SimSip(as, stack, notifier, new SimCommands(notifier, control), faults);
        stack.start(sip);
        as.exec.scheduleWithFixedDelay(sip::expire, 1, 1, TimeUnit.SECONDS);
        LOG.info("broadworks simulator listening [host={}, port={}, transports=udp,tcp]", settings.host(), settings.port());
    }

    /** Starts a simulator; port 0 picks a free one. */
    public static BroadWorksSimulator start(Settings settings) {
        try {
            int port = settings.port() == 0 ? FreePort.find(settings.host()) : settings.port();
            int tlsPort = settings.tls() == null ? 0 : settings.tls().port();
            while (settings.tls() != null && (tlsPort == 0 || tlsPort == port)) {
                tlsPort = FreePort.find(settings.host());
            }
            return new BroadWorksSimulator(settings.withPorts(port, tlsPort));
        } catch (Exception e) {
            throw new IllegalStateException("the broadworks simulator did not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return settings.port();
    }

    /** The TLS port, or 0 without TLS. */
    public int tlsPort() {
        return settings.tls() == null ? 0 : settings.tls().port();
    }

    public String host() {
        return settings.host();
    }

    public String domain() {
        return settings.domain();
    }

    /** The address of a user, e.g. {@code sip:6001@as.example}. */
    public String aor(String user) {
        return "sip:" + user + "@" + settings.domain();
    }

    // ---------------------------------------------------------------- provisioning and observation

    public void addUser(UserSpec spec) {
        call(() -> as.users.put(spec.user(), new SimUser(spec.user(), settings.domain(), spec.hoteling(),
                spec.guestPasswords() == null ? Map.of() : spec.guestPasswords(), spec.digestPassword())));
    }

    /** Live subscriptions of one user to one package. */
    public int activeSubscriptions(String user, String pkg) {
        return call(() -> (int) as.subscriptions.values().stream().filter(s -> s.user.user.equals(user) && s.pkg.equals(pkg)).count());
    }

    public int activeSubscriptions() {
        return call(as.subscriptions::size);
    }

    /** The user's ACD state as the AS holds it: loggedOn, ready, notReady, workingAfterCall, loggedOff. */
    public String agentState(String user) {
        return call(() -> SimControl.stateName(as.user(user).agentState));
    }

    public String guest(String user) {
        return call(() -> as.user(user).guest);
    }

    public boolean dnd(String user) {
        return call(() -> as.user(user).dnd);
    }

    public long subscribesReceived() {
        return sip.subscribesReceived();
    }

    /** SUBSCRIBEs (initial, refresh, command, unsubscribe) received for one user. */
    public long subscribesReceived(String user) {
        return call(() -> as.user(user).subscribes);
    }

    public long notifiesSent() {
        return notifier.notifiesSent();
    }

    /** NOTIFYs the subscriber answered with a 2xx: equal to {@link #notifiesSent()} once every change sent so far was taken in. */
    public long notifiesAnswered() {
        return notifier.notifiesAnswered();
    }

    /** The Expires the last command SUBSCRIBE of the user asked for. */
    public int lastCommandExpires(String user) {
        return call(() -> as.user(user).lastCommandExpires);
    }

    /** Command documents (SetAgentState, SetHoteling, …) the user's subscriptions carried so far, ignored ones included. */
    public int commandsReceived(String user) {
        return call(() -> as.user(user).commandsReceived);
    }

    /** OPTIONS received (answered or not). */
    public int optionsReceived() {
        return sip.optionsReceived();
    }

    // ---------------------------------------------------------------- the platform acting on its own

    /** A state change made on the AS (a supervisor, the ACD itself): NOTIFYs every subscriber. */
    public void setAgentState(String user, String state, String reason) {
        run(() -> control.setState(as.user(user), state, reason));
    }

    /**
     * The state change made on the simulator's thread in turn, not waited for (load drivers: an
     * open-loop generator keeps its schedule while the AS is busy; what queues here is latency the
     * driver counts from the scheduled time). A change that fails is logged.
     */
    public void setAgentStateLater(String user, String state, String reason) {
        as.exec.execute(() -> {
            try {
                control.setState(as.user(user), state, reason);
            } catch (RuntimeException e) {
                LOG.warn("simulator could not change a state [user={}, state={}]: {}", user, state, e.toString());
            }
        });
    }

    /** The same state change for many users in one step (load drivers): one NOTIFY per subscriber of each. */
    public void setAgentStates(Collection<String> names, String state, String reason) {
        run(() -> {
            for (String name : names) {
                control.setState(as.user(name), state, reason);
            }
        });
    }

    /** Offers a call to the user; {@code calledAddress} is the queue's address for an ACD call. Returns the call id. */
    public String offerCall(String user, String calledAddress, String caller, String callerName) {
        return call(() -> control.offer(as.user(user), calledAddress, caller, callerName).callId);
    }

    public void answerCall(String user, String callId) {
        run(() -> {
            SimUser u = as.user(user);
            control.answer(u, SimAs.findCall(u, callId));
        });
    }

    public void holdCall(String user, String callId, boolean held) {
        run(() -> {
            SimUser u = as.user(user);
            control.hold(u, SimAs.findCall(u, callId), held);
        });
    }

    /** Ends the call; an ACD call puts the agent in wrap-up when {@code wrapUp} is set. */
    public void hangUp(String user, String callId, boolean wrapUp) {
        run(() -> {
            SimUser u = as.user(user);
            control.hangUp(u, SimAs.findCall(u, callId));
            if (wrapUp) {
                control.setState(u, "workingAfterCall", null);
            }
        });
    }

    /** What the ACD mode has done so far. */
    public record AcdStats(long offered, long answered, long wrapUps, long breaks) {
    }

    /** Runs the call center of {@code plan} until {@link #stopAcd()}; {@code seed} makes a run repeatable. */
    public void startAcd(AcdPlan plan, long seed) {
        run(() -> control.startAcd(plan, seed));
    }

    public void stopAcd() {
        run(control::stopAcd);
    }

    public AcdStats acdStats() {
        return call(control::acdStats);
    }

    /** What the Xsi queue day has done so far: calls placed, answered at an agent, rings cancelled unanswered, breaks. */
    public record QueueDayStats(long arrivals, long answered, long cancelled, long breaks) {
    }

    /**
     * Where the Xsi server's queue model rings its offered calls: give it to the server's plan
     * ({@link XsiQueueModel.Plan#withDesk}) before {@link #startQueueDay}.
     */
    public XsiQueueModel.Desk xsiDesk() {
        return control.desk;
    }

    /**
     * Runs one ACD through the Xsi server's call-center queues until {@link #stopQueueDay()}: callers
     * dial each call center of {@code plan} (its queues are call-center user ids, e.g.
     * {@code sales@as.example}, to the users serving them), at the plan's rate times
     * {@code quietFactor}, for {@code busy} of every {@code quiet + busy} times {@code busyFactor};
     * calls wait in the queue while nobody is READY, ring at the agent over SIP (a dialog to
     * {@code sip:<call center>}), are talked, wrapped up; callers abandon after their patience. The
     * server must have been started with {@link #xsiDesk()} in its plan.
     */
    public void startQueueDay(XsiEventsServer xsi, AcdPlan plan, Duration quiet, Duration busy, double quietFactor, double busyFactor, long seed) {
        SimQueueDay.BusyPeriods periods = new SimQueueDay.BusyPeriods(quiet, busy, quietFactor, busyFactor);
        run(() -> control.startQueueDay(xsi, plan, periods, seed));
    }

    public void stopQueueDay() {
        run(control::stopQueueDay);
    }

    public QueueDayStats queueDayStats() {
        return call(control::queueDayStats);
    }

    // ---------------------------------------------------------------- faults

    /** The next {@code n} NOTIFYs to this user's subscribers are not sent (the state still changes). */
    public void dropNotifies(String user, int n) {
        run(() -> faults.dropNotifies(user, n));
    }

    /** The user's next refresh (in-dialog SUBSCRIBE without a body) gets 481 and its subscription is forgotten. */
    public void fail481OnNextRefresh(String user) {
        run(() -> faults.fail481OnNextRefresh(user));
    }

    /** Command SUBSCRIBEs for the user are accepted (200) and then ignored: no state change, no NOTIFY. */
    public void ignoreCommands(String user, boolean ignore) {
        run(() -> faults.ignoreCommands(user, ignore));
    }

    /** The next {@code n} SUBSCRIBEs get 503 Service Unavailable with Retry-After 1. */
    public void reject503(int n) {
        run(() -> faults.reject503(n));
    }

    /** Answers to SUBSCRIBEs are held back this long. */
    public void slowAnswers(Duration delay) {
        run(() -> faults.slowAnswers(delay));
    }

    /** Ends the user's subscriptions to a package with {@code terminated;reason=...[;retry-after=...]}. */
    public void terminate(String user, String pkg, String reason, Integer retryAfter) {
        run(() -> faults.terminate(user, pkg, reason, retryAfter));
    }

    /** Sends any body, malformed or hostile, in a NOTIFY to every subscriber of the user's package. */
    public void sendRaw(String user, String pkg, String contentType, byte[] body) {
        run(() -> faults.sendRaw(user, pkg, contentType, body));
    }

    /**
     * An outage (the AS down or the network cut) while {@code on}: no request is answered, no NOTIFY
     * leaves; users' states still change. With {@link #restart()} before it ends, an AS that came back
     * without its subscriptions.
     */
    public void outage(boolean on) {
        faults.outage(on);
    }

    /** OPTIONS are dropped unanswered (an AS or SBC that does not answer them) while {@code on}. */
    public void ignoreOptions(boolean on) {
        faults.ignoreOptions(on);
    }

    /** An AS restart: every subscription is forgotten without a word; users keep their state. */
    public void restart() {
        run(faults::restart);
    }

    @Override
    public void close() {
        as.exec.shutdownNow();
        stack.stop();
    }

    // ---------------------------------------------------------------- the hop onto the executor

    private void run(Runnable work) {
        call(() -> {
            work.run();
            return null;
        });
    }

    private <T> T call(Callable<T> work) {
        return io.ctistream.simulator.support.Answers.within(as.exec.submit(work), Duration.ofSeconds(10), "the simulator");
    }
}
