package io.ctistream.admin.roster;

import io.ctistream.events.AgentProfile;
import io.ctistream.events.Platform;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One agent of a roster, as files and the diff see it: an {@code AgentProfile} with blank
 * optional values read as absent and attributes sorted, so a value on the topic and the same
 * value read back from an exported file compare equal.
 */
public record RosterEntry(String tenant, String agentId, String displayName, String teamId, List<String> queues, Platform platform,
                          String platformUserId, String hotelingGuestAddress, String credentialRef, String defaultNotReadyReason,
                          String timeZone, Map<String, String> attributes) {

    public RosterEntry {
        displayName = blankToNull(displayName);
        teamId = blankToNull(teamId);
        queues = queues == null ? List.of() : List.copyOf(queues);
        hotelingGuestAddress = blankToNull(hotelingGuestAddress);
        credentialRef = blankToNull(credentialRef);
        defaultNotReadyReason = blankToNull(defaultNotReadyReason);
        timeZone = blankToNull(timeZone);
        attributes = attributes == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(attributes));
    }

    /** The entry of a profile read from {@code cti.agents}. */
    public static RosterEntry of(AgentProfile p) {
        return new RosterEntry(p.getTenant(), p.getAgentId(), p.getDisplayName(), p.getTeamId(), p.getQueues(), p.getPlatform(),
                p.getPlatformUserId(), p.getHotelingGuestAddress(), p.getCredentialRef(), p.getDefaultNotReadyReason(), p.getTimeZone(),
                p.getAttributes());
    }

    /** The profile to write to {@code cti.agents}, keyed by {@link #agentId()}. */
    public AgentProfile toProfile() {
        return AgentProfile.newBuilder().setTenant(tenant).setAgentId(agentId).setDisplayName(displayName).setTeamId(teamId)
                .setQueues(queues).setPlatform(platform).setPlatformUserId(platformUserId).setHotelingGuestAddress(hotelingGuestAddress)
                .setCredentialRef(credentialRef).setDefaultNotReadyReason(defaultNotReadyReason).setTimeZone(timeZone)
                .setAttributes(new TreeMap<>(attributes)).build();
    }

    /** A field's value: a String (or null), a {@code List<String>} or a {@code Map<String, String>}, by the field's kind. */
    public Object value(RosterField field) {
        return switch (field) {
            case TENANT -> tenant;
            case AGENT_ID -> agentId;
            case DISPLAY_NAME -> displayName;
            case TEAM_ID -> teamId;
            case QUEUES -> queues;
            case PLATFORM -> platform == null ? null : platform.name();
            case PLATFORM_USER_ID -> platformUserId;
            case HOTELING_GUEST_ADDRESS -> hotelingGuestAddress;
            case CREDENTIAL_REF -> credentialRef;
            case DEFAULT_NOT_READY_REASON -> defaultNotReadyReason;
            case TIME_ZONE -> timeZone;
            case ATTRIBUTES -> attributes;
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
