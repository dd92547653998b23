package io.ctistream.connector.finesse.codec;

/**
 * The {@code <data>} of an Update this codec does not read (a Media, Queue or Team object): its
 * element's local name as sent, or null when the Update has no data at all.
 */
public record UnknownData(String element) implements UpdateData {
}
