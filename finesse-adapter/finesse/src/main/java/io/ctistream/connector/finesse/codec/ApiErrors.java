package io.ctistream.connector.finesse.codec;

import java.util.List;

/** The errors of an asynchronous {@code apiErrors} notification, in document order (possibly none). */
public record ApiErrors(List<ApiError> errors) implements UpdateData {
    public ApiErrors {
        errors = List.copyOf(errors);
    }

    /** The first error, or null when there is none. */
    public ApiError first() {
        return errors.isEmpty() ? null : errors.get(0);
    }
}
