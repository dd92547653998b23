package io.ctistream.push;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Wraps a value deserializer so that one unreadable record comes back as the exception that
 * describes it, for the reader to skip and log, instead of stopping the consumer.
 */
final class TolerantValues implements Deserializer<Object> {
    private final Deserializer<?> inner;

    TolerantValues(Deserializer<?> inner) {
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
            return e;
        }
    }

    @Override
    public void close() {
        inner.close();
    }
}
