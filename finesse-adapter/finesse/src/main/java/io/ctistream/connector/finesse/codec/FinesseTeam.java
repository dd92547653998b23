package io.ctistream.connector.finesse.codec;

import java.util.List;

/**
 * A Finesse Team object ({@code GET /finesse/api/Team/{id}}, a supervisor's view of its team):
 * its id, name and a summary of each user — not a full User (Cisco's Finesse REST guide, "Team").
 * {@code firstName}, {@code lastName} and {@code extension} are null when empty; the loginId comes
 * from the user's {@code uri} when missing.
 */
public record FinesseTeam(String id, String name, List<Member> users) {
    public FinesseTeam {
        users = List.copyOf(users);
    }

    /** One user of the team, as the Team object summarises it. */
    public record Member(String loginId, String firstName, String lastName, String extension, FinesseState state) {
        /** "first last", or whichever of the two is given, or null. */
        public String displayName() {
            String name = ((firstName == null ? "" : firstName) + " " + (lastName == null ? "" : lastName)).strip();
            return name.isEmpty() ? null : name;
        }
    }
}
