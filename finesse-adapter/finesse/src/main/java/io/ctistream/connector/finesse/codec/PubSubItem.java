package io.ctistream.connector.finesse.codec;

/**
 * One item of a pubsub event message: the node it was published to ({@code /finesse/api/User/1234}),
 * the item id (may be null) and the notification payload as text, unescaped (an {@code <Update>}
 * document for {@link FinesseUpdateParser}).
 */
public record PubSubItem(String node, String itemId, String payload) {
}
