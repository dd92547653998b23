package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.aes.codec.DmccErrors;
import io.ctistream.connector.aes.codec.DmccMessage;
import io.ctistream.connector.aes.codec.DmccMessage.CstaError;
import io.ctistream.connector.aes.codec.DmccMessage.NegResponse;

/**
 * AES answered a request with an error: a {@code CSTAErrorCode} (or {@code CSTAException}) or a
 * {@code *NegResponse}. The message is {@link DmccErrors}' text followed by the code in brackets.
 */
public final class DmccRequestException extends RuntimeException {
    private final DmccMessage error;

    DmccRequestException(CstaError error) {
        super(DmccErrors.describe(error), null, false, false);
        this.error = error;
    }

    DmccRequestException(NegResponse error) {
        super(DmccErrors.describe(error), null, false, false);
        this.error = error;
    }

    /** The {@link CstaError} or {@link NegResponse} AES answered with. */
    public DmccMessage error() {
        return error;
    }

    /** The CSTA error, or null when AES answered with a NegResponse. */
    public CstaError cstaError() {
        return error instanceof CstaError e ? e : null;
    }

    /** The NegResponse, or null when AES answered with a CSTA error. */
    public NegResponse negResponse() {
        return error instanceof NegResponse n ? n : null;
    }

    /** {@code category/value} for a CSTA error, {@code <NegResponse root>/<error>} for a NegResponse. */
    public String code() {
        return error instanceof CstaError e ? e.code() : ((NegResponse) error).localName() + "/" + ((NegResponse) error).error();
    }

    /** True when the same request may work later (a busy or overloaded AES). */
    public boolean retriable() {
        return error instanceof CstaError e ? DmccErrors.retriable(e) : DmccErrors.retriable((NegResponse) error);
    }
}
