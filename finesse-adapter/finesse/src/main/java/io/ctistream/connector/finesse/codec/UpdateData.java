package io.ctistream.connector.finesse.codec;

/** What the {@code <data>} of an {@code <Update>} holds. */
public sealed interface UpdateData permits FinesseUser, FinesseDialogs, FinesseDialog, ApiErrors, SystemInfo, FinesseQueue, UnknownData {
}
