package io.ctistream.connector.finesse.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Finesse Dialog (a call): the {@code data/dialog} of a Dialog-node Update, an element of a
 * Dialogs list, or a {@code GET /Dialog/{id}} body. {@code id} is never null (taken from
 * {@code <uri>} when {@code <id>} is missing); every other string may be null. {@code callVariables}
 * keeps document order ({@code callVariable1..10} and ECC {@code user.*}; an empty value is "").
 */
public record FinesseDialog(String id, String mediaType, String fromAddress, String toAddress, State state, String callType,
        String dnis, String queueNumber, String queueName, String associatedDialogUri, String secondaryId,
        Map<String, String> callVariables, List<Participant> participants) implements UpdateData {

    public FinesseDialog {
        callVariables = Collections.unmodifiableMap(new LinkedHashMap<>(callVariables));
        participants = List.copyOf(participants);
    }

    /** The participant with this media address (the agent's own one: its extension), if any. */
    public Optional<Participant> participant(String mediaAddress) {
        if (mediaAddress == null) {
            return Optional.empty();
        }
        return participants.stream().filter(p -> mediaAddress.equals(p.mediaAddress())).findFirst();
    }

    /** The dialog ID named by {@code associatedDialogUri} (the original call of a consult), or null. */
    public String associatedDialogId() {
        return FinesseXml.lastSegment(associatedDialogUri);
    }

    /** A dialog state; {@link #UNKNOWN} when absent or not known. */
    public enum State {
        INITIATING, INITIATED, ALERTING, ACTIVE, FAILED, DROPPED, ACCEPTED, UNKNOWN;

        public static State of(String text) {
            return parse(State.class, text, UNKNOWN);
        }
    }

    /** A participant state (section 5's table); {@link #UNKNOWN} when absent or not known. */
    public enum ParticipantState {
        INITIATING, INITIATED, ALERTING, ACTIVE, HELD, WRAP_UP, FAILED, DROPPED, ACCEPTED, UNKNOWN;

        public static ParticipantState of(String text) {
            return parse(ParticipantState.class, text, UNKNOWN);
        }
    }

    /**
     * One party of the call. {@code actions} are what Finesse allows this participant now, upper
     * case, in document order: validate a command against them, not against a table.
     */
    public record Participant(String mediaAddress, String mediaAddressType, ParticipantState state, String stateCause,
            List<String> actions) {
        public Participant {
            actions = List.copyOf(actions);
        }

        /** True when Finesse lists this action (any case) for the participant. */
        public boolean allows(String action) {
            return action != null && actions.contains(action.toUpperCase(Locale.ROOT));
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String text, E unknown) {
        if (text != null) {
            String t = text.strip().toUpperCase(Locale.ROOT);
            for (E e : type.getEnumConstants()) {
                if (e.name().equals(t)) {
                    return e;
                }
            }
        }
        return unknown;
    }
}
