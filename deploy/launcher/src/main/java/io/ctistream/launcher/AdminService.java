package io.ctistream.launcher;

import io.ctistream.admin.AdminApi;
import io.ctistream.admin.AdminSettings;
import io.ctistream.settings.ConfigSource;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The admin REST API (admin-api, docs/adr/016) as the launcher runs it: its settings for a separate
 * process or for the single-machine run, and a start that waits until it answers. Its settings and
 * defaults are the module's own ({@link AdminSettings}, docs/config/admin.md); the single-machine run
 * only adds what no service can know by itself (docs/adr/018).
 */
final class AdminService {
    private AdminService() {
    }

    /** For {@code ctistream admin}: listens on all interfaces, named after the host. */
    static AdminSettings standalone(ConfigSource config) {
        return AdminSettings.from(config, "0.0.0.0", hostName());
    }

    /**
     * For {@code all} and {@code demo}: loopback, tokens signed with the push service's secret (kept in
     * the data directory) unless an admin secret is set; in the demo, the demo CRM's
     * {@code http://127.0.0.1} URL is accepted (the operator's settings win where they are set).
     */
    static AdminSettings embedded(ConfigSource config, String pushSecret, boolean demo) {
        Map<String, String> defaults = new HashMap<>();
        if (pushSecret != null) {
            defaults.put(AdminSettings.JWT_SECRET, pushSecret);
        }
        if (demo) {
            defaults.put(AdminSettings.ALLOW_HTTP, "true");
            defaults.put(AdminSettings.ALLOW_PRIVATE, "true");
        }
        return AdminSettings.from(config.withDefaults(defaults), "127.0.0.1", "all-in-one");
    }

    /** Starts the API and waits until it has read the resource topics and listens. */
    static AdminApi start(Vertx vertx, AdminSettings settings, String bootstrap, String registryUrl, ProcessMetrics metrics) throws Exception {
        try {
            return AdminApi.start(vertx, settings, bootstrap, registryUrl, metrics.registry()).await(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the admin service did not start within 3 minutes (reading the cti.* topics at [" + bootstrap + "])", e);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "admin";
        }
    }
}
