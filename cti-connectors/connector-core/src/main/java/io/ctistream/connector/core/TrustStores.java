package io.ctistream.connector.core;

import io.vertx.core.net.JksOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import java.util.Locale;

/** A platform's trust store as Vert.x trust options: a {@code .jks} file as JKS, anything else as PKCS#12. */
public final class TrustStores {
    private TrustStores() {
    }

    /** The trust options for {@code path} opened with {@code password} (null: none), or null when {@code path} is null: the JVM's trust. */
    public static TrustOptions of(String path, String password) {
        if (path == null) {
            return null;
        }
        return path.toLowerCase(Locale.ROOT).endsWith(".jks") ? new JksOptions().setPath(path).setPassword(password)
                : new PfxOptions().setPath(path).setPassword(password);
    }
}
