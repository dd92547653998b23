package io.ctistream.push;

/**
 * Every code an {@code error} frame can carry, and nothing else: the AsyncAPI document's
 * {@code ErrorCode} enum lists exactly these ({@code ApiContractIT} holds the two together).
 */
enum ErrorCode {
    BAD_JSON, BAD_FRAME, FRAME_TOO_LARGE, TOO_MANY_ITEMS, UNKNOWN_OP, NOT_AUTHENTICATED, BAD_TOKEN, TOKEN_EXPIRED, TOKEN_EXPIRING, FORBIDDEN,
    BAD_TOPIC, UNKNOWN_AGENT, TOO_MANY_SUBSCRIPTIONS, TOO_MANY_EVENT_STREAMS, RATE_LIMITED, BAD_COMMAND, UNAVAILABLE, TOO_MANY_CONNECTIONS,
    EVENTS_TRIMMED
}
