package io.ctistream.admin;

import io.ctistream.admin.ApiProblem.FieldError;
import io.ctistream.admin.roster.RosterEntry;
import io.ctistream.admin.roster.RosterField;
import io.ctistream.admin.roster.RosterProblem;
import io.ctistream.admin.roster.RosterRows;
import io.ctistream.admin.roster.RosterValidator;
import io.ctistream.admin.store.AdminView;
import io.ctistream.admin.store.Resource;
import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.events.QueueProfile;
import io.ctistream.events.TeamProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * The checks a request body must pass beyond its schema (which the OpenAPI validator has checked
 * already), and the record it becomes. Agents go through the roster's own {@link RosterValidator}
 * (the row checks of {@code roster import}, then {@link RosterValidator#against} the roster, the
 * teams and the queues); teams and queues through the same id rules. Every problem names its field.
 */
final class ResourceRules {
    private final AdminView view;

    ResourceRules(AdminView view) {
        this.view = view;
    }

    /**
     * The record {@code body} describes, for {@code tenant}.
     *
     * @param pathId the id of the path for a replace (the body must name the same), null for a create
     */
    SpecificRecord record(Resource resource, String tenant, String pathId, JsonObject body) {
        List<FieldError> errors = new ArrayList<>();
        String bodyTenant = body.getString("tenant");
        if (bodyTenant != null && !bodyTenant.equals(tenant)) {
            errors.add(new FieldError("tenant", "[" + bodyTenant + "] is not the tenant of the path [" + tenant + "]"));
        }
        String id = body.getString(resource.idField());
        if (pathId != null && id != null && !id.equals(pathId)) {
            errors.add(new FieldError(resource.idField(), "[" + id + "] is not the id of the path [" + pathId + "]; an id cannot be changed"));
        }
        SpecificRecord record = switch (resource) {
            case AGENT -> agent(tenant, body, errors);
            case TEAM -> team(tenant, body, errors);
            case QUEUE -> queue(tenant, body, errors);
            case WEBHOOK_SUBSCRIPTION -> throw new IllegalArgumentException("webhook subscriptions are made by WebhookRules");
        };
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return record;
    }

    /** Through the roster validator, as a one-row roster file, then against the roster, the teams and the queues. */
    private AgentProfile agent(String tenant, JsonObject body, List<FieldError> errors) {
        Map<RosterField, Object> values = new EnumMap<>(RosterField.class);
        for (RosterField f : RosterField.values()) {
            Object v = body.getValue(f.key());
            switch (f.kind()) {
                case TEXT -> {
                    if (v instanceof String s) {
                        values.put(f, s);
                    }
                }
                case LIST -> {
                    if (v instanceof JsonArray a) {
                        values.put(f, a.stream().map(String::valueOf).toList());
                    }
                }
                case MAP -> {
                    if (v instanceof JsonObject o) {
                        Map<String, String> m = new LinkedHashMap<>();
                        o.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
                        values.put(f, m);
                    }
                }
            }
        }
        values.put(RosterField.TENANT, tenant);
        RosterRows rows = new RosterRows("request", List.of(new RosterRows.Row(1, values)), List.of());
        RosterValidator.Result result = RosterValidator.validate(rows);
        if (!result.valid()) {
            result.problems().forEach(p -> errors.add(fieldError(p)));
            return null;
        }
        Map<String, RosterEntry> roster = new HashMap<>();
        view.all(Resource.AGENT).forEach((k, v) -> roster.put(k, RosterEntry.of((AgentProfile) v)));
        RosterValidator.against(rows, result, roster, false, team -> view.get(Resource.TEAM, team).isPresent(),
                queue -> view.get(Resource.QUEUE, queue).isPresent()).forEach(p -> errors.add(fieldError(p)));
        return result.entries().get(0).toProfile();
    }

    private static FieldError fieldError(RosterProblem p) {
        return new FieldError(p.field() == null ? "body" : p.field(), p.message());
    }

    private static TeamProfile team(String tenant, JsonObject body, List<FieldError> errors) {
        String teamId = qualified(tenant, "teamId", body.getString("teamId"), errors);
        return TeamProfile.newBuilder().setTenant(tenant).setTeamId(teamId == null ? "" : teamId).setDisplayName(text(body, "displayName"))
                .setAttributes(attributes(body)).build();
    }

    private QueueProfile queue(String tenant, JsonObject body, List<FieldError> errors) {
        String queueId = qualified(tenant, "queueId", body.getString("queueId"), errors);
        String platformName = body.getString("platform");
        Platform platform = platformName == null ? null : Platform.valueOf(platformName); // the schema allows the three platforms only
        String platformQueueId = text(body, "platformQueueId");
        if (platformQueueId != null && platform == null) {
            errors.add(new FieldError("platform", "required with platformQueueId: the platform the queue id belongs to"));
        }
        if (platformQueueId != null && platform != null) {
            // one platform queue counted as two queues would double every figure on the wallboard
            for (SpecificRecord r : view.list(Resource.QUEUE, tenant)) {
                QueueProfile other = (QueueProfile) r;
                if (!other.getQueueId().equals(queueId) && platform == other.getPlatform() && platformQueueId.equals(other.getPlatformQueueId())) {
                    errors.add(new FieldError("platformQueueId", "[" + platformQueueId + "] on " + platform + " is already the queue " + other.getQueueId()));
                }
            }
        }
        return QueueProfile.newBuilder().setTenant(tenant).setQueueId(queueId == null ? "" : queueId).setDisplayName(text(body, "displayName"))
                .setPlatform(platform).setPlatformQueueId(platformQueueId)
                .setServiceLevelThresholdSeconds(body.getInteger("serviceLevelThresholdSeconds", 20))
                .setAbandonGraceSeconds(body.getInteger("abandonGraceSeconds", 5)).setAttributes(attributes(body)).build();
    }

    /** A tenant-qualified id of {@code tenant} ({@code tenant/name}), as the roster validator wants agent, team and queue ids. */
    static String qualified(String tenant, String field, String id, List<FieldError> errors) {
        if (id == null) {
            return null;
        }
        String prefix = tenant + "/";
        if (!id.startsWith(prefix) || id.length() == prefix.length() || id.indexOf('/', prefix.length()) >= 0
                || id.chars().anyMatch(Character::isWhitespace)) {
            errors.add(new FieldError(field, "[" + id + "] must be tenant-qualified as " + prefix + "<name>, the tenant being [" + tenant + "]"));
            return null;
        }
        return id;
    }

    static String text(JsonObject body, String key) {
        String v = body.getString(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    static Map<String, String> attributes(JsonObject body) {
        Map<String, String> out = new TreeMap<>();
        JsonObject a = body.getJsonObject("attributes", new JsonObject());
        a.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
        return out;
    }
}
