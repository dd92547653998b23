package io.ctistream.connector.broadworks.codec.archfixture;

import java.net.DatagramSocket;
import org.apache.kafka.clients.producer.Producer;

/**
 * FIXTURE for ArchitectureTest: a "codec" in a platform adapter that touches Kafka and a socket,
 * everything the architecture rules forbid. Never used by production code.
 */
public final class ImpureCodecFixture {
    private Producer<String, String> producer;
    private DatagramSocket socket;

    public void decodeAndSend(byte[] bytes) {
        producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("t", new String(bytes)));
        socket.close();
        System.out.println("decoded");
    }
}
