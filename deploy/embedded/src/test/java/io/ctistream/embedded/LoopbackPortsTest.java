package io.ctistream.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

    @Test
    void portsAskedForTogetherAreDistinctAndBindable() throws Exception {
        // WHEN many ports are asked for at once (one at a time, the kernel may repeat itself,
        // and a broker given one port for both listeners refuses to start)
        int[] ports = LoopbackPorts.free(64);

        // THEN no two are the same
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(64);
        // AND each can be bound on loopback
        for (int port : ports) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
                assertThat(socket.getLocalPort()).isEqualTo(port);
            }
        }
    }
}
