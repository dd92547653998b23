package io.ctistream.launcher;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import io.ctistream.schemas.CtiSerdes;
import io.ctistream.schemas.CtiTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A plausible contact-center roster for the demo tenant: agents spread over teams, each team
 * serving one or two queues; most agents are BroadWorks users (every tenth one hot-desks: signs in as
 * a hoteling guest) on the BroadWorks call centers' queues, the last team is on Finesse and the one
 * before it on AES, each serving a queue of its own platform.
 * Deterministic, so a restarted demo rewrites the same keys of the compacted roster.
 */
public final class DemoRoster {
    public static final String TENANT = "demo";
    /** The simulated AS's SIP domain (.invalid: never resolvable, never someone's real domain). */
    public static final String DOMAIN = "demo.ctistream.invalid";
    private static final String[] TEAMS = {"sales", "support", "billing", "retention", "onboarding", "collections", "vip"};
    /** The BroadWorks call centers' queues, the first {@code queues} of them. */
    private static final String[] QUEUES = {"sales", "support", "billing", "general"};
    /** The AES team's queue (a skill of its own) and the Finesse team's (a Finesse queue of its own). */
    private static final String AES_QUEUE = "retention";
    private static final String FINESSE_QUEUE = "onboarding";
    private static final String[] FIRST = {"Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jon", "Kira", "Luca", "Maya", "Nils", "Omar", "Priya", "Quinn", "Rosa", "Sami", "Tara"};
    private static final String[] LAST = {"Alvarez", "Brook", "Chen", "Dubois", "Eriksen", "Fofana", "Garcia", "Haddad", "Ivanova", "Jansen", "Kowalski", "Lopez", "Mensah", "Novak", "Okafor", "Patel"};

    private DemoRoster() {
    }

    /** The team ids {@link #build} uses for {@code teams} teams. */
    public static List<String> teamIds(int teams) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < Math.min(teams, TEAMS.length); i++) {
            ids.add(TENANT + "/" + TEAMS[i]);
        }
        return ids;
    }

    /**
     * A queue of the demo and the platform whose ACD it is: a queue belongs to one platform, as in a
     * contact center, so each figure has one source (ADR 021, ADR 025). {@code platformQueueId} is
     * what that platform calls it: the BroadWorks call center's user id, the Finesse queue's id; null
     * for the AES skill, which the AES connector names from its own settings.
     */
    public record DemoQueue(String queueId, Platform platform, String platformQueueId) {
    }

    /** The queues {@link #build} uses for {@code teams} teams and {@code queues} BroadWorks queues. */
    public static List<DemoQueue> queues(int teams, int queues) {
        int teamCount = Math.min(teams, TEAMS.length);
        List<DemoQueue> out = new ArrayList<>();
        for (int i = 0; i < Math.min(queues, QUEUES.length); i++) {
            out.add(new DemoQueue(TENANT + "/" + QUEUES[i], Platform.BROADWORKS, QUEUES[i] + "@" + DOMAIN));
        }
        if (teamCount >= 3) {
            out.add(new DemoQueue(TENANT + "/" + AES_QUEUE, Platform.AES, null));
        }
        if (teamCount >= 2) {
            out.add(new DemoQueue(TENANT + "/" + FINESSE_QUEUE, Platform.FINESSE, FINESSE_QUEUE));
        }
        return out;
    }

    /** The queue ids of {@link #queues}. */
    public static List<String> queueIds(int teams, int queues) {
        return queues(teams, queues).stream().map(DemoQueue::queueId).toList();
    }

    /** How the demo names a team or queue to people: {@code demo/sales} is "Sales", {@code demo/vip} "VIP". */
    public static String displayName(String id) {
        String name = id.substring(id.indexOf('/') + 1);
        return name.length() <= 3 ? name.toUpperCase(java.util.Locale.ROOT) : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** The profile attribute a Finesse agent signs in on (its extension). */
    public static final String EXTENSION = "extension";

    /** The profile attribute naming a demo AES agent's ACD login (its credentials are the connector's, this is for the demo's peer). */
    public static final String ACD_AGENT_ID = "acdAgentId";

    /** True for a demo agent on AES: with three teams or more the last but one team runs on AES. */
    public static boolean onAes(AgentProfile p) {
        return p.getPlatform() == Platform.AES;
    }

    /** True for a demo agent on Finesse: with two teams or more the last team runs on Finesse, the others on BroadWorks (and AES). */
    public static boolean onFinesse(AgentProfile p) {
        return p.getPlatform() == Platform.FINESSE;
    }

    public static List<AgentProfile> build(int agents, int teams, int queues) {
        int teamCount = Math.min(teams, TEAMS.length);
        int queueCount = Math.min(queues, QUEUES.length);
        List<AgentProfile> roster = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            int team = i % teamCount;
            String user = String.format("agent%03d", i + 1);
            boolean finesse = teamCount >= 2 && team == teamCount - 1;
            boolean aes = teamCount >= 3 && team == teamCount - 2;
            List<String> servedQueues = new ArrayList<>();
            if (finesse || aes) {
                servedQueues.add(TENANT + "/" + (finesse ? FINESSE_QUEUE : AES_QUEUE)); // a queue of their own platform's ACD
            } else {
                servedQueues.add(TENANT + "/" + QUEUES[team % queueCount]);
                if (queueCount > 1 && i % 3 == 0) {
                    servedQueues.add(TENANT + "/" + QUEUES[(team + 1) % queueCount]); // some agents are skilled for a second queue
                }
            }
            roster.add(AgentProfile.newBuilder()
                    .setTenant(TENANT)
                    .setAgentId(TENANT + "/" + user)
                    .setDisplayName(FIRST[i % FIRST.length] + " " + LAST[(i / FIRST.length + i) % LAST.length])
                    .setTeamId(TENANT + "/" + TEAMS[team])
                    .setQueues(servedQueues)
                    .setPlatform(finesse ? Platform.FINESSE : aes ? Platform.AES : Platform.BROADWORKS)
                    // Finesse knows an agent by its numeric loginId, AES by its station's extension; BroadWorks by its address
                    .setPlatformUserId(finesse ? String.format("1%03d", i + 1) : aes ? String.format("5%03d", i + 1) : user + "@" + DOMAIN)
                    // every tenth agent (agent001, agent011, ...) works hot-desk: signs in as a hoteling guest from the agent panel
                    .setHotelingGuestAddress(!finesse && !aes && i % 10 == 0 ? "acd-" + user + "@" + DOMAIN : null)
                    .setCredentialRef("demo-credentials/" + user)
                    .setDefaultNotReadyReason(finesse || aes ? null : "0")
                    .setTimeZone("Europe/Berlin")
                    .setAttributes(finesse ? Map.of(EXTENSION, String.format("7%03d", i + 1))
                            : aes ? Map.of(ACD_AGENT_ID, String.format("6%03d", i + 1)) : Map.of())
                    .build());
        }
        return roster;
    }

    /** Writes the roster to {@code cti.agents}, keyed by agent id, and waits for the broker's acks. */
    public static void publish(List<AgentProfile> roster, String bootstrapServers, String registryUrl)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (var producer = new KafkaProducer<String, AgentProfile>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "ctistream-demo-roster"),
                new StringSerializer(), CtiSerdes.<AgentProfile>valueSerializer(registryUrl))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (AgentProfile p : roster) {
                acks.add(producer.send(new ProducerRecord<>(CtiTopics.AGENTS.topicName(), p.getAgentId(), p)));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
    }
}
