package io.ctistream.webhooks;

import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;
import java.util.List;

/**
 * One CloudEvent for CRMs, with the facts subscription filters look at (which are also in its data).
 *
 * @param type        the event type
 * @param cloudEvent  the CloudEvent: id, source, type, subject (= agent id), time, dataschema, JSON data
 * @param tenant      the agent's tenant
 * @param agentId     tenant-qualified agent id (also the subject and the Kafka key)
 * @param teamId      the agent's team from the roster, or null
 * @param callQueueId the queue a call came through (call events), or null
 * @param agentQueues the queues of the agent's roster entry
 */
public record CrmEvent(CrmEventType type, CloudEvent cloudEvent, String tenant, String agentId, String teamId, String callQueueId,
                       List<String> agentQueues) {
    private static final JsonFormat STRUCTURED = new JsonFormat();

    /** Content type of {@link #structuredJson()}: {@value}. */
    public static final String STRUCTURED_CONTENT_TYPE = JsonFormat.CONTENT_TYPE;

    public CrmEvent {
        agentQueues = List.copyOf(agentQueues);
    }

    public String id() {
        return cloudEvent.getId();
    }

    /** The event in CloudEvents structured mode (JSON event format): the webhook body. */
    public byte[] structuredJson() {
        return STRUCTURED.serialize(cloudEvent);
    }
}
