package io.ctistream.connector.core.kafka;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/** Wraps a value deserializer so that one bad record becomes a {@link Poison} instead of stopping the consumer. */
final class SafeDeserializer implements Deserializer<Object> {
    private final Deserializer<?> inner;

    SafeDeserializer(Deserializer<?> inner) {
        this.inner = inner;
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
            return new Poison(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
