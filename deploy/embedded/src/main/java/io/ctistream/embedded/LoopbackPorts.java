package io.ctistream.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports on 127.0.0.1, for a broker's listeners and for tests that start services.
 *
 * <p>All ports a caller needs are asked for at once: every socket stays open until the last
 * is bound, so the kernel cannot hand the same port out twice. Asking one at a time can, and
 * a broker given the same port for two listeners refuses to start.
 */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /** {@code count} distinct ports that were free a moment ago. */
    public static int[] free(int count) {
        List<ServerSocket> held = new ArrayList<>(count);
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, loopback);
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        } finally {
            held.forEach(LoopbackPorts::closeQuietly);
        }
    }

    /** One port that was free a moment ago; ask for all of a caller's ports with {@link #free(int)}. */
    public static int free() {
        return free(1)[0];
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // the port was only probed; nothing else holds it
        }
    }
}
