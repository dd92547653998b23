package io.ctistream.webhooks;

import static io.ctistream.webhooks.CrmFixtures.call;
import static io.ctistream.webhooks.CrmFixtures.profile;
import static io.ctistream.webhooks.CrmFixtures.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import io.ctistream.events.AgentEvent;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.AgentState;
import io.ctistream.events.CallDirection;
import io.ctistream.events.CallState;
import io.ctistream.events.EventHeader;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Verifies the canonical-event-to-CloudEvents mapping (docs/crm.md): attributes, data, sequences and the shipped JSON Schemas. */
class CloudEventMapperTest {
    private static final Path SCHEMAS = Path.of("..", "docs", "api", "cloudevents");
    private static final String AGENT = "acme/agent001";
    private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
    private final CloudEventMapper mapper = new CloudEventMapper();
    private final AgentMemory memory = new AgentMemory();
    private final AgentProfile profile = profile(AGENT, "acme/support", List.of("acme/sales", "acme/billing"));

    private List<CrmEvent> map(AgentEvent e) {
        return mapper.map(e, profile, memory);
    }

    /** Verifies that an offered call is a screen pop with every attribute the issue asks for and the call facts the model has. */
    @Test
    void anOfferedCallIsAScreenPop() {
        // GIVEN an inbound ACD call alerting at the agent
        AgentEvent offered = call(AGENT, "call-1", CallState.OFFERED, CallDirection.INBOUND, "acme/sales", T0);

        // WHEN mapped
        List<CrmEvent> out = map(offered);

        // THEN one call.offered with the CloudEvents attributes and the screen-pop data
        assertThat(out).singleElement().satisfies(e -> {
            CloudEvent ce = e.cloudEvent();
            assertThat(ce.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(ce.getId()).isEqualTo(offered.getHeader().getEventId());
            assertThat(ce.getType()).isEqualTo("io.ctistream.call.offered");
            assertThat(ce.getSource()).isEqualTo(URI.create("/ctistream/acme/broadworks"));
            assertThat(ce.getSubject()).isEqualTo(AGENT);
            assertThat(ce.getTime()).isEqualTo(T0.atOffset(ZoneOffset.UTC));
            assertThat(ce.getDataSchema()).isEqualTo(URI.create("urn:ctistream:cloudevents:io.ctistream.call.offered:v1"));
            assertThat(ce.getDataContentType()).isEqualTo("application/json");
            JsonObject data = data(e);
            assertThat(data.getString("agentId")).isEqualTo(AGENT);
            assertThat(data.getString("teamId")).isEqualTo("acme/support");
            assertThat(data.getString("callId")).isEqualTo("call-1");
            assertThat(data.getString("callerNumber")).isEqualTo("+4930123456");
            assertThat(data.getString("callerName")).isEqualTo("Erika Mustermann");
            assertThat(data.getString("queueId")).isEqualTo("acme/sales");
            assertThat(data.getString("direction")).isEqualTo("INBOUND");
            assertThat(data.getString("dialledNumber")).isEqualTo("+4930999000");
            assertThat(data.getJsonObject("callData").getMap()).isEqualTo(java.util.Map.of("callVariable1", "ACC-42"));
            assertThat(data.getJsonObject("platform").getMap()).containsEntry("name", "BROADWORKS").containsEntry("connectorInstance", "bw-1")
                    .containsEntry("platformEventId", "notify-17").containsEntry("correlationId", "call-1");
            assertThat(e.callQueueId()).isEqualTo("acme/sales");
            assertThat(e.agentQueues()).containsExactly("acme/sales", "acme/billing");
        });
    }

    /** Verifies the call's life: offered, answered, held, retrieved (not answered again), ended once although the platform says so twice. */
    @Test
    void aCallsLifeGivesOneEventPerStep() {
        List<String> types = new ArrayList<>();
        for (CallState s : List.of(CallState.OFFERED, CallState.OFFERED, CallState.CONNECTED, CallState.HELD, CallState.CONNECTED,
                CallState.CONNECTED, CallState.TRANSFERRED, CallState.ENDED)) {
            map(call(AGENT, "call-2", s, CallDirection.INBOUND, "acme/sales", T0)).forEach(e -> types.add(e.type().type()));
        }
        assertThat(types).containsExactly("io.ctistream.call.offered", "io.ctistream.call.answered", "io.ctistream.call.held",
                "io.ctistream.call.retrieved", "io.ctistream.call.ended");
    }

    /** Verifies that an outbound call has no caller number (the agent called) and that its connection is "answered". */
    @Test
    void anOutboundCallHasNoCallerButIsAnswered() {
        assertThat(map(call(AGENT, "call-3", CallState.DIALING, CallDirection.OUTBOUND, null, T0))).isEmpty();
        assertThat(map(call(AGENT, "call-3", CallState.RINGING, CallDirection.OUTBOUND, null, T0))).isEmpty();
        assertThat(map(call(AGENT, "call-3", CallState.CONNECTED, CallDirection.OUTBOUND, null, T0))).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(CrmEventType.CALL_ANSWERED);
            assertThat(data(e).getValue("callerNumber")).isNull();
            assertThat(data(e).getString("remoteParty")).isEqualTo("+4930123456");
        });
        assertThat(map(call(AGENT, "call-3", CallState.FAILED, CallDirection.OUTBOUND, null, T0))).singleElement()
                .satisfies(e -> assertThat(data(e).getString("callState")).isEqualTo("FAILED"));
    }

    /** Verifies state changes with their previous state, and wrap-up ended (with its length) when the agent leaves WRAP_UP. */
    @Test
    void leavingWrapUpEndsIt() {
        // GIVEN a first state this reader sees: no previous state
        assertThat(map(state(AGENT, AgentState.TALKING, T0))).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(CrmEventType.AGENT_STATE_CHANGED);
            assertThat(data(e).getValue("previousState")).isNull();
        });
        // WHEN the agent wraps up, loses the link for a moment (UNKNOWN does not end a wrap-up) and becomes ready 30 s later
        assertThat(map(state(AGENT, AgentState.WRAP_UP, T0.plusSeconds(60)))).extracting(CrmEvent::type)
                .containsExactly(CrmEventType.AGENT_STATE_CHANGED);
        assertThat(map(state(AGENT, AgentState.UNKNOWN, T0.plusSeconds(70)))).extracting(CrmEvent::type)
                .containsExactly(CrmEventType.AGENT_STATE_CHANGED);
        AgentEvent ready = state(AGENT, AgentState.READY, T0.plusSeconds(90));
        List<CrmEvent> out = map(ready);

        // THEN the state change, then wrap-up ended with its own id
        assertThat(out).extracting(CrmEvent::type).containsExactly(CrmEventType.AGENT_STATE_CHANGED, CrmEventType.WRAPUP_ENDED);
        assertThat(data(out.get(0)).getString("previousState")).isEqualTo("UNKNOWN");
        assertThat(out.get(1).id()).isEqualTo(ready.getHeader().getEventId() + ":wrapup-ended");
        assertThat(data(out.get(1)).getString("state")).isEqualTo("READY");
        assertThat(data(out.get(1)).getString("wrapUpStartedAt")).isEqualTo(T0.plusSeconds(60).toString());
        assertThat(data(out.get(1)).getDouble("wrapUpSeconds")).isEqualTo(30.0);
        // AND the next change ends nothing
        assertThat(map(state(AGENT, AgentState.NOT_READY, T0.plusSeconds(95)))).hasSize(1);
    }

    /** Verifies that time is the platform's when it has one, else the ingest time; and that payloads CRMs do not get map to nothing. */
    @Test
    void timeFallsBackToIngestAndOtherPayloadsAreNotDelivered() {
        AgentEvent e = state(AGENT, AgentState.READY, T0);
        e.setHeader(EventHeader.newBuilder(e.getHeader()).setOccurredAt(null).setIngestedAt(T0.plusSeconds(2)).build());
        assertThat(map(e).get(0).cloudEvent().getTime()).isEqualTo(T0.plusSeconds(2).atOffset(ZoneOffset.UTC));
        assertThat(map(CrmFixtures.dnd(AGENT, T0))).isEmpty();
        assertThat(mapper.map(state(AGENT, AgentState.READY, T0), null, memory).get(0).teamId()).isNull();
    }

    /** Verifies that the structured-mode body is CloudEvents JSON with the data inline (not base64) and reads back equal. */
    @Test
    void structuredJsonCarriesTheDataInline() {
        CrmEvent e = map(call(AGENT, "call-4", CallState.OFFERED, CallDirection.INBOUND, "acme/sales", T0)).get(0);
        JsonObject body = new JsonObject(new String(e.structuredJson(), java.nio.charset.StandardCharsets.UTF_8));
        assertThat(body.getString("specversion")).isEqualTo("1.0");
        assertThat(body.getString("id")).isEqualTo(e.id());
        assertThat(body.getJsonObject("data").getString("callId")).isEqualTo("call-4");
        assertThat(body.containsKey("data_base64")).isFalse();
        CloudEvent back = new JsonFormat().deserialize(e.structuredJson());
        assertThat(back.getAttributeNames()).containsExactlyInAnyOrderElementsOf(e.cloudEvent().getAttributeNames());
        assertThat(back.getTime()).isEqualTo(e.cloudEvent().getTime());
        assertThat(new JsonObject(io.vertx.core.buffer.Buffer.buffer(back.getData().toBytes()))).isEqualTo(data(e));
    }

    /** Verifies that every type's data validates against its shipped JSON Schema ($id = dataschema) and declares every field written. */
    @Test
    void everyTypesDataMatchesItsShippedSchema() throws Exception {
        // GIVEN one event of every type
        List<CrmEvent> all = new ArrayList<>();
        all.addAll(map(state(AGENT, AgentState.NOT_READY, T0)));
        all.addAll(map(state(AGENT, AgentState.WRAP_UP, T0)));
        all.addAll(map(state(AGENT, AgentState.READY, T0.plusSeconds(5))));
        for (CallState s : List.of(CallState.OFFERED, CallState.CONNECTED, CallState.HELD, CallState.CONNECTED, CallState.ENDED)) {
            all.addAll(map(call(AGENT, "call-5", s, CallDirection.INBOUND, "acme/sales", T0)));
        }
        assertThat(all).extracting(CrmEvent::type).containsAll(List.of(CrmEventType.values()));

        for (CrmEvent e : all) {
            // THEN its data validates against the schema its dataschema names
            JsonObject schema = new JsonObject(Files.readString(SCHEMAS.resolve(e.type().schemaFile())));
            assertThat(schema.getString("$id")).isEqualTo(e.cloudEvent().getDataSchema().toString());
            Validator validator = Validator.create(JsonSchema.of(schema),
                    new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("urn:ctistream:test").setOutputFormat(io.vertx.json.schema.OutputFormat.Basic));
            OutputUnit result = validator.validate(data(e));
            assertThat(result.getValid()).as("%s against %s: %s", e.type(), e.type().schemaFile(), result.getErrors()).isTrue();
            // AND the schema declares every field the data has
            assertThat(schema.getJsonObject("properties").fieldNames()).as(e.type().schemaFile()).containsAll(data(e).fieldNames());
        }
    }

    private static JsonObject data(CrmEvent e) {
        return new JsonObject(io.vertx.core.buffer.Buffer.buffer(e.cloudEvent().getData().toBytes()));
    }
}
