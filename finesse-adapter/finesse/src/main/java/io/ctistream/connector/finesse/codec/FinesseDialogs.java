package io.ctistream.connector.finesse.codec;

import java.util.List;

/**
 * A list of dialogs: the {@code data/dialogs} of a Dialogs-node Update (POST: added, DELETE:
 * removed), or a {@code GET /User/{id}/Dialogs} body.
 */
public record FinesseDialogs(List<FinesseDialog> dialogs) implements UpdateData {
    public FinesseDialogs {
        dialogs = List.copyOf(dialogs);
    }
}
