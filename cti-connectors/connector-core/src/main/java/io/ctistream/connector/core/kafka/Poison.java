package io.ctistream.connector.core.kafka;

/** A record value that could not be decoded: skipped, logged and counted, never fatal. */
record Poison(String reason) {
}
