package io.ctistream.connector.core;

import io.ctistream.events.CommandStatus;

/** How a platform ended a command: what becomes the {@code CommandResult}. */
public record Outcome(CommandStatus status, String code, String message) {
    public static Outcome completed() {
        return new Outcome(CommandStatus.COMPLETED, null, null);
    }

    public static Outcome rejected(String code, String message) {
        return new Outcome(CommandStatus.REJECTED, code, message);
    }

    public static Outcome timedOut(String code, String message) {
        return new Outcome(CommandStatus.TIMED_OUT, code, message);
    }

    public static Outcome failed(String code, String message) {
        return new Outcome(CommandStatus.FAILED, code, message);
    }
}
