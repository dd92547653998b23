package io.ctistream.push;

import java.util.regex.Pattern;

/** The shapes of topics (the AsyncAPI document's {@code Topic} patterns). Pure. */
final class Topics {
    /** {@code {tenant}/{id}}: a tenant, a slash, an id. */
    private static final Pattern QUALIFIED = Pattern.compile("[^/*]+/.+");

    private Topics() {
    }

    /**
     * Whether {@code kind/key} has the shape of a state topic: {@code agent|team|queue} and a
     * tenant-qualified id, or a wildcard. A key without a tenant ({@code team/sales}) is no topic
     * ({@code BAD_TOPIC}), not another tenant's ({@code FORBIDDEN}); whether the token may read it is
     * decided after.
     */
    static boolean isStateTopic(String kind, String key) {
        return (kind.equals("agent") || kind.equals("team") || kind.equals("queue")) && (key.equals("*") || QUALIFIED.matcher(key).matches());
    }
}
