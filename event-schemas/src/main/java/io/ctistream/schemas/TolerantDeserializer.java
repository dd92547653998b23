package io.ctistream.schemas;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Wraps a value deserializer so that one record that cannot be read comes back as an
 * {@link Unreadable} for the reader to skip, log and count, instead of stopping the consumer.
 * Shared by every plain consumer of the project (connector roster and commands, the pusher's readers).
 */
public final class TolerantDeserializer implements Deserializer<Object> {
    /** A record value that could not be decoded, and why. */
    public record Unreadable(String reason) {
    }

    private final Deserializer<?> inner;

    public TolerantDeserializer(Deserializer<?> inner) {
        this.inner = inner;
    }

    /** The project's registry-backed value deserializer, made tolerant. */
    public static TolerantDeserializer values(String registryUrl) {
        return new TolerantDeserializer(CtiSerdes.valueDeserializer(registryUrl));
    }

    @Override
    public Object deserialize(String topic, byte[] data) {
        return deserialize(topic, null, data);
    }

    @Override
    public Object deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return headers == null ? inner.deserialize(topic, data) : inner.deserialize(topic, headers, data);
        } catch (RuntimeException e) {
            return new Unreadable(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
