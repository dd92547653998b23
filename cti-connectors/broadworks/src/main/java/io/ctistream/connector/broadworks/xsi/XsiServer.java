package io.ctistream.connector.broadworks.xsi;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * One Xsi server of a channel set (ADR 022): its base URL, its priority (1 is preferred, as in a DNS
 * SRV record) and its weight among servers of equal priority. Written in the settings as
 * {@code https://xsp1.example;priority=1;weight=50}; without a priority, a server's place in the list
 * is its priority; without a weight, 50.
 */
public record XsiServer(URI uri, int priority, int weight) {
    public XsiServer {
        if (uri == null || uri.getHost() == null || uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("an Xsi server must be http(s)://host[:port], got " + uri);
        }
        if (priority < 0 || weight < 0) {
            throw new IllegalArgumentException("an Xsi server's priority and weight must not be negative: " + uri);
        }
    }

    public static XsiServer of(URI uri) {
        return new XsiServer(uri, 1, 50);
    }

    /** {@code url[;priority=N][;weight=N], ...}; the list's order is the priority where none is given. */
    public static List<XsiServer> parseList(String value) {
        List<XsiServer> out = new ArrayList<>();
        String[] items = value.split(",");
        for (int i = 0; i < items.length; i++) {
            String[] parts = items[i].strip().split(";");
            int priority = i + 1;
            int weight = 50;
            for (int p = 1; p < parts.length; p++) {
                String[] kv = parts[p].strip().split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("[" + parts[p].strip() + "] is not priority=N or weight=N");
                }
                int n;
                try {
                    n = Integer.parseInt(kv[1].strip());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("[" + parts[p].strip() + "] is not a number");
                }
                switch (kv[0].strip()) {
                    case "priority" -> priority = n;
                    case "weight" -> weight = n;
                    default -> throw new IllegalArgumentException("[" + kv[0].strip() + "] is neither priority nor weight");
                }
            }
            out.add(new XsiServer(URI.create(parts[0].strip()), priority, weight));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no Xsi server given");
        }
        return List.copyOf(out);
    }

    /**
     * The order in which servers are tried: by priority, and among equal priorities drawn at random in
     * proportion to their weights (RFC 2782's selection: a weight of 0 is rarely first).
     */
    public static List<XsiServer> order(List<XsiServer> servers, Random random) {
        TreeMap<Integer, List<XsiServer>> byPriority = new TreeMap<>();
        servers.forEach(s -> byPriority.computeIfAbsent(s.priority(), k -> new ArrayList<>()).add(s));
        List<XsiServer> out = new ArrayList<>();
        for (List<XsiServer> group : byPriority.values()) {
            List<XsiServer> left = new ArrayList<>(group);
            left.sort(Comparator.comparingInt(XsiServer::weight)); // weight 0 first, as RFC 2782 places them
            while (!left.isEmpty()) {
                int total = left.stream().mapToInt(XsiServer::weight).sum();
                int pick = random.nextInt(total + 1);
                int run = 0;
                int chosen = left.size() - 1;
                for (int i = 0; i < left.size(); i++) {
                    run += left.get(i).weight();
                    if (run >= pick) {
                        chosen = i;
                        break;
                    }
                }
                out.add(left.remove(chosen));
            }
        }
        return out;
    }

    boolean tls() {
        return uri.getScheme().equals("https");
    }

    String host() {
        return uri.getHost();
    }

    int port() {
        return uri.getPort() > 0 ? uri.getPort() : tls() ? 443 : 80;
    }

    @Override
    public String toString() {
        return uri + ";priority=" + priority + ";weight=" + weight;
    }
}
