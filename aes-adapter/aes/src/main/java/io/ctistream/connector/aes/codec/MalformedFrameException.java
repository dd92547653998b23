package io.ctistream.connector.aes.codec;

/**
 * The byte stream is not DMCC framing: the frame boundaries are lost, so nothing after this point
 * can be trusted and the connection must be closed. The message names what was wrong and at most a
 * short, printable prefix of what was read (never a body).
 */
public final class MalformedFrameException extends Exception {
    public MalformedFrameException(String message) {
        super(message);
    }
}
