package io.ctistream.push;

/** Every close code the service sends (the AsyncAPI document's close-code table; {@code ApiContractIT} holds them together). */
enum CloseCode {
    /** RFC 6455: a text message that is not UTF-8. */
    INVALID_PAYLOAD(1007, "text frames must be UTF-8"),
    /** RFC 6455: a message assembled from fragments beyond {@link PushConfig#maxMessageBytes()}. */
    MESSAGE_TOO_BIG(1009, "message too large"),
    TOKEN_EXPIRED(4001, "token expired"),
    NOT_AUTHENTICATED(4003, "not authenticated"),
    TOO_SLOW(4008, "client too slow"),
    TOO_MANY_CONNECTIONS(4009, "too many connections");

    final short code;
    final String reason;

    CloseCode(int code, String reason) {
        this.code = (short) code;
        this.reason = reason;
    }
}
