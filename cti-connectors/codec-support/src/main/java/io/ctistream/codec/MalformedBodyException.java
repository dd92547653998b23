package io.ctistream.codec;

/** A body that is not what its protocol promises: not XML, hostile XML, too large, too deep, a broken frame. */
public final class MalformedBodyException extends RuntimeException {
    public MalformedBodyException(String message) {
        super(message);
    }

    public MalformedBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
