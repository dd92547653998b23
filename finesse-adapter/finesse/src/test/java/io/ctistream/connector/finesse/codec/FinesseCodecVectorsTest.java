package io.ctistream.connector.finesse.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.connector.core.testkit.Vector;
import io.ctistream.connector.finesse.codec.FinesseDialog.Participant;
import io.ctistream.connector.finesse.codec.FinesseRequests.DialogAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verifies every Finesse codec against the vector files: protocols/finesse.md test vectors TV1-TV11,
 * case and order variations, both payload shapes, and hostile input. Kinds: {@code stanza} (an XMPP
 * stanza, its items and their Updates), {@code update} (an unescaped Update payload), {@code rest-*}
 * (a REST body), {@code rest-error} (status and Content-Type, never malformed) and {@code request}
 * (the body a request writes, compared byte for byte). {@code args: extension=…} adds the canonical
 * call lines, {@code deployment=…} the deployment type for reason labels.
 */
class FinesseCodecVectorsTest {

    static Stream<Vector> vectors() {
        return Vector.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vector(Vector v) {
        if (v.kind().equals("request")) {
            // GIVEN the arguments WHEN the body is written THEN it is the vector's, byte for byte
            assertThat(encode(v)).as(v.description()).isEqualTo(new String(v.body(), StandardCharsets.UTF_8).stripTrailing());
        } else {
            // GIVEN the raw body WHEN decoded THEN the values render as the vector expects
            assertThat(decode(v, v.body())).as(v.description()).isEqualTo(v.expect());
        }
    }

    /** Verifies that every protocol test vector and the hostile ones exist: a refactor that drops one must fail here. */
    @Test
    void everyTestVectorAndTheHostileOnesArePresent() {
        List<String> files = Vector.all().map(Vector::file).toList();
        for (String prefix : List.of("tv01", "tv02", "tv03", "tv04", "tv05", "tv06", "tv07", "tv08", "tv09", "tv10", "tv11")) {
            assertThat(files).as(prefix).anyMatch(f -> f.startsWith(prefix));
        }
        assertThat(files).as("the Queue object").anyMatch(f -> f.startsWith("qs"));
        for (String hostile : List.of("xxe", "billion-laughs", "doctype", "deep-nesting", "truncated", "html")) {
            assertThat(files).as(hostile).anyMatch(f -> f.startsWith("h") && f.contains(hostile));
        }
    }

    /** Verifies that a 10 MB stanza is refused by size before any parsing, as text and as bytes. */
    @Test
    void tenMegabyteStanzaIsRefused() {
        // GIVEN a pubsub message whose notification text is 10 MB
        String head = "<message><event xmlns=\"http://jabber.org/protocol/pubsub#event\"><items node=\"/finesse/api/User/1234\">"
                + "<item id=\"1\"><notification xmlns=\"urn:xmpp:push:0\">";
        StringBuilder b = new StringBuilder(10 * 1024 * 1024 + 512).append(head);
        b.append("a".repeat(10 * 1024 * 1024));
        b.append("</notification></item></items></event></message>");
        String stanza = b.toString();
        // WHEN decoded THEN it is malformed, by size
        assertThatThrownBy(() -> XmppStanzaCodec.decode(stanza)).isInstanceOf(MalformedBodyException.class)
                .hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> XmppStanzaCodec.decode(stanza.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(MalformedBodyException.class).hasMessageContaining("exceeds the limit");
        assertThatThrownBy(() -> FinesseUpdateParser.parse(stanza)).isInstanceOf(MalformedBodyException.class);
        assertThatThrownBy(() -> FinesseRestCodec.user(stanza.getBytes(StandardCharsets.UTF_8))).isInstanceOf(MalformedBodyException.class);
        assertThat(FinesseRestCodec.error(503, "application/xml", stanza.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ApiError("Service Unavailable", "unreadable error body", null, null));
    }

    /** Verifies that a stanza just under the limit is read (the limit is not off by a lot). */
    @Test
    void stanzaUnderTheLimitIsRead() {
        String update = "<Update><event>PUT</event><source>/finesse/api/User/1234</source><data><user><loginId>1234</loginId>"
                + "<state>READY</state><firstName>" + "x".repeat(200 * 1024) + "</firstName></user></data></Update>";
        String stanza = "<message><event><items node=\"/finesse/api/User/1234\"><item><notification>" + escape(update)
                + "</notification></item></items></event></message>";
        List<PubSubItem> items = XmppStanzaCodec.decode(stanza);
        assertThat(items).hasSize(1);
        assertThat(((FinesseUser) FinesseUpdateParser.parse(items.get(0).payload()).data()).state()).isEqualTo(FinesseState.READY);
    }

    /** Verifies that a blank frame (a whitespace keepalive) gives no items and no error. */
    @Test
    void blankFrameIsNoItems() {
        assertThat(XmppStanzaCodec.decode(" \r\n")).isEmpty();
        assertThat(XmppStanzaCodec.decode((String) null)).isEmpty();
        assertThat(XmppStanzaCodec.decode(new byte[0])).isEmpty();
    }

    /** Verifies that non-ASCII text survives both payload shapes (the frame is text, the payload re-encoded as UTF-8). */
    @Test
    void nonAsciiLabelSurvives() {
        String update = "<Update><event>PUT</event><data><user><loginId>1234</loginId><state>NOT_READY</state>"
                + "<ReasonCode><id>7</id><code>7</code><label>Pause caf\u00e9 \u2615</label></ReasonCode></user></data></Update>";
        String escaped = "<message><event><items node=\"/n\"><item><notification>" + escape(update) + "</notification></item></items></event></message>";
        String child = "<message><event><items node=\"/n\"><item><notification>" + update + "</notification></item></items></event></message>";
        for (String stanza : List.of(escaped, child)) {
            FinesseUser u = (FinesseUser) FinesseUpdateParser.parse(XmppStanzaCodec.decode(stanza).get(0).payload()).data();
            assertThat(u.reasonCode().label()).isEqualTo("Pause caf\u00e9 \u2615");
        }
    }

    /** Verifies that the error reader never throws, whatever the status, Content-Type or body. */
    @Test
    void errorNeverThrows() {
        assertThat(FinesseRestCodec.error(401, null, null)).isEqualTo(new ApiError("Unauthorized", "empty body", null, null));
        assertThat(FinesseRestCodec.error(599, "text/plain", "\u0000\u00ff<<".getBytes(StandardCharsets.ISO_8859_1)))
                .isEqualTo(new ApiError("HTTP 599", "unreadable error body", null, null));
        assertThat(FinesseRestCodec.error(401, "TEXT/HTML; charset=UTF-8", "<p>denied".getBytes(StandardCharsets.UTF_8)).message())
                .isEqualTo(FinesseRestCodec.HTML_ERROR_PAGE);
        assertThat(FinesseRestCodec.error(400, "application/xml", "<ApiErrors/>".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ApiError("Bad Request", "no ApiError in the body", null, null));
    }

    /** Verifies that a request value XML cannot carry, or a missing required one, is the caller's error. */
    @Test
    void requestValuesAreChecked() {
        assertThatThrownBy(() -> FinesseRequests.signIn("10\u000101")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("extension");
        assertThatThrownBy(() -> FinesseRequests.signIn(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FinesseRequests.makeCall("1001", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FinesseRequests.notReady(" ")).isEqualTo("<User><state>NOT_READY</state></User>");
    }

    /** Verifies that the values are immutable: lists and maps handed out cannot be changed. */
    @Test
    void valuesAreImmutable() {
        FinesseDialog d = ((FinesseDialogs) FinesseUpdateParser.parse(new String(vector("tv07").body(), StandardCharsets.UTF_8)).data())
                .dialogs().get(0);
        assertThatThrownBy(() -> d.callVariables().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.participants().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> d.participants().get(0).actions().add("DROP")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(d.participant("1001")).get().matches(p -> p.allows("answer") && !p.allows("HOLD"));
    }

    private static Vector vector(String prefix) {
        return Vector.all().filter(v -> v.file().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static String escape(String xml) {
        return xml.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    // ------------------------------------------------------------------ encoding

    private static String encode(Vector v) {
        Map<String, String> a = v.args();
        return switch (a.get("op")) {
            case "signIn" -> a.containsKey("device") ? FinesseRequests.signIn(a.get("extension"), a.get("device"))
                    : FinesseRequests.signIn(a.get("extension"));
            case "ready" -> FinesseRequests.ready();
            case "notReady" -> FinesseRequests.notReady(a.get("reasonCodeId"));
            case "logout" -> FinesseRequests.logout(a.get("reasonCodeId"));
            case "dialogAction" -> FinesseRequests.dialogAction(DialogAction.valueOf(a.get("action")), a.get("target"));
            case "consultCall" -> FinesseRequests.consultCall(a.get("target"), a.get("to"));
            case "singleStepTransfer" -> FinesseRequests.singleStepTransfer(a.get("target"), a.get("to"));
            case "sendDtmf" -> FinesseRequests.sendDtmf(a.get("target"), a.get("digits"));
            case "makeCall" -> FinesseRequests.makeCall(a.get("from"), a.get("to"));
            default -> throw new IllegalArgumentException("unknown request op " + a.get("op"));
        };
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes a vector's body (or a mutation of it); {@code malformed} when the codec refused it. Used by the fuzz test. */
    static List<String> decode(Vector v, byte[] body) {
        List<String> out = new ArrayList<>();
        try {
            switch (v.kind()) {
                case "stanza" -> {
                    List<PubSubItem> items = XmppStanzaCodec.decode(new String(body, StandardCharsets.UTF_8));
                    if (items.isEmpty()) {
                        out.add("no items");
                    }
                    for (PubSubItem item : items) {
                        out.add("item node=" + item.node() + " id=" + dash(item.itemId()));
                        try {
                            render(FinesseUpdateParser.parse(item.payload()), v.args(), out);
                        } catch (MalformedBodyException e) {
                            out.add("malformed");
                        }
                    }
                }
                case "update" -> render(FinesseUpdateParser.parse(body), v.args(), out);
                case "rest-user" -> render(FinesseRestCodec.user(body), v.args(), out);
                case "rest-dialogs" -> render(new FinesseDialogs(FinesseRestCodec.dialogs(body)), v.args(), out);
                case "rest-dialog" -> render(FinesseRestCodec.dialog(body), v.args(), out);
                case "rest-systeminfo" -> render(FinesseRestCodec.systemInfo(body), v.args(), out);
                case "rest-queue" -> render(FinesseRestCodec.queue(body), v.args(), out);
                case "rest-reasoncodes" -> {
                    List<ReasonCode> codes = FinesseRestCodec.reasonCodes(body);
                    out.add("reasonCodes count=" + codes.size());
                    codes.forEach(rc -> out.add(render(rc)));
                }
                case "rest-reasoncode" -> out.add(render(FinesseRestCodec.reasonCode(body)));
                case "rest-apierrors" -> render(new ApiErrors(FinesseRestCodec.apiErrors(body)), v.args(), out);
                case "rest-error" -> out.add(render(FinesseRestCodec.error(Integer.parseInt(v.args().get("status")), v.contentType(), body)));
                default -> throw new IllegalArgumentException("unknown vector kind " + v.kind());
            }
        } catch (MalformedBodyException e) {
            return List.of("malformed");
        }
        return out;
    }

    private static void render(FinesseUpdate u, Map<String, String> args, List<String> out) {
        out.add("update event=" + u.event() + " requestId=" + dash(u.requestId()) + " source=" + dash(u.source()));
        render(u.data(), args, out);
    }

    private static void render(UpdateData data, Map<String, String> args, List<String> out) {
        if (data instanceof FinesseUser u) {
            out.add("user loginId=" + u.loginId() + " loginName=" + dash(u.loginName()) + " extension=" + dash(u.extension())
                    + " state=" + u.state() + " pendingState=" + dash(u.pendingState()) + " reasonCodeId=" + dash(u.reasonCodeId())
                    + " changed=" + dash(u.stateChangeTime()) + " team=" + dash(u.teamId()) + " teamName=" + dash(u.teamName())
                    + " roles=" + (u.roles().isEmpty() ? "-" : String.join(",", u.roles())));
            if (u.reasonCode() != null) {
                out.add(render(u.reasonCode()));
            }
            FinesseStates.Reason r = FinesseStates.reason(u, args.get("deployment"));
            out.add("canonical state=" + FinesseStates.agentState(u.state()) + " reason=" + (r == null ? "-" : dash(r.code()))
                    + " label=" + (r == null ? "-" : dash(r.label())));
        } else if (data instanceof FinesseDialogs ds) {
            out.add("dialogs count=" + ds.dialogs().size());
            ds.dialogs().forEach(d -> render(d, args, out));
        } else if (data instanceof FinesseDialog d) {
            out.add("dialog id=" + d.id() + " state=" + d.state() + " media=" + dash(d.mediaType()) + " from=" + dash(d.fromAddress())
                    + " to=" + dash(d.toAddress()) + " callType=" + dash(d.callType()) + " dnis=" + dash(d.dnis()) + " queue="
                    + dash(d.queueNumber()) + "/" + dash(d.queueName()) + " associated=" + dash(d.associatedDialogId())
                    + " secondaryId=" + dash(d.secondaryId()));
            d.callVariables().forEach((k, val) -> out.add("callVariable " + k + "=" + (val.isEmpty() ? "(empty)" : val)));
            for (Participant p : d.participants()) {
                out.add("participant address=" + dash(p.mediaAddress()) + " type=" + dash(p.mediaAddressType()) + " state=" + p.state()
                        + " cause=" + dash(p.stateCause()) + " actions=" + (p.actions().isEmpty() ? "-" : String.join(",", p.actions())));
            }
            String ext = args.get("extension");
            if (ext != null) {
                out.add("canonical call=" + FinesseStates.agentCallState(d, ext) + " direction=" + FinesseStates.direction(d, ext)
                        + " remote=" + dash(FinesseStates.remoteParty(d, ext)));
            }
        } else if (data instanceof ApiErrors errors) {
            out.add("apiErrors count=" + errors.errors().size());
            errors.errors().forEach(e -> out.add(render(e)));
        } else if (data instanceof SystemInfo s) {
            out.add("systemInfo status=" + s.status() + " deployment=" + dash(s.deploymentType()) + " primary=" + dash(s.primaryNode())
                    + " secondary=" + dash(s.secondaryNode()) + " xmpp=" + dash(s.xmppDomain()) + " pubsub=" + dash(s.xmppPubSubDomain())
                    + " auth=" + dash(s.systemAuthMode()));
        } else if (data instanceof FinesseQueue q) {
            out.add("queue id=" + q.id() + " name=" + dash(q.name()) + " calls=" + dash(q.callsInQueue()) + " oldest=" + dash(q.oldestCallStart())
                    + " ready=" + dash(q.agentsReady()) + " notReady=" + dash(q.agentsNotReady()) + " busyOther=" + dash(q.agentsBusyOther())
                    + " loggedOn=" + dash(q.agentsLoggedOn()) + " talking=" + dash(q.agentsTalkingInbound()) + "/" + dash(q.agentsTalkingOutbound())
                    + "/" + dash(q.agentsTalkingInternal()) + " wrapUp=" + dash(q.agentsWrapUpNotReady()) + "/" + dash(q.agentsWrapUpReady()));
            var s = FinesseQueues.statistics(q);
            out.add("canonical calls=" + dash(s.getCallsInQueue()) + " oldestSince=" + dash(s.getOldestWaitingSince()) + " staffed="
                    + dash(s.getStaffedAgents()) + " idle=" + dash(s.getIdleAgents()) + " unavailable=" + dash(s.getUnavailableAgents())
                    + " unknown=" + q.unknown());
        } else if (data instanceof UnknownData x) {
            out.add(x.element() == null ? "data none" : "data unknown=" + x.element());
        }
    }

    private static String render(ReasonCode rc) {
        return "reasonCode id=" + dash(rc.id()) + " code=" + dash(rc.code()) + " label=" + dash(rc.label()) + " category="
                + dash(rc.category()) + " forAll=" + dash(rc.forAll());
    }

    private static String render(ApiError e) {
        return "apiError type=" + dash(e.type()) + " message=" + dash(e.message()) + " data=" + dash(e.data()) + " peripheral="
                + dash(e.peripheralErrorCode());
    }

    private static String dash(Object o) {
        return o == null ? "-" : o.toString();
    }
}
