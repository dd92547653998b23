package io.ctistream.connector.broadworks.codec;

/** A body that is not what its package promises: not XML, hostile XML, too large, a broken multipart. */
public final class MalformedBodyException extends RuntimeException {
    public MalformedBodyException(String message) {
        super(message);
    }

    public MalformedBodyException(String message, Throwable cause) {
        super(message, cause);
    }
}
