package io.ctistream.connector.aes.dmcc;

import io.ctistream.connector.core.TrustStores;
import io.vertx.core.net.NetClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP/TLS options of a session's client: TLS with the given trust store (JKS by extension,
 * else PKCS#12) or the JDK's, never trust-all, and HTTPS hostname verification unless the
 * configuration turns it off — warned about, because AES's default certificate is often
 * self-signed and samples disable checks (section 11).
 */
final class DmccTls {
    private static final Logger LOG = LoggerFactory.getLogger(DmccSession.class);

    private DmccTls() {
    }

    static NetClientOptions clientOptions(DmccOptions o) {
        int connectMs = (int) Math.min(Integer.MAX_VALUE, o.connectTimeout().toMillis());
        NetClientOptions n = new NetClientOptions().setConnectTimeout(connectMs).setTcpNoDelay(true).setTcpKeepAlive(true);
        if (!o.tls()) {
            LOG.warn("dmcc over plain TCP, insecure: the CTI user's password travels in clear [addresses={}]", o.addresses());
            return n;
        }
        n.setSsl(true).setTrustAll(false).setSslHandshakeTimeout(o.connectTimeout().toMillis())
                .setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .setHostnameVerificationAlgorithm(o.verifyHostname() ? "HTTPS" : "");
        if (!o.verifyHostname()) {
            LOG.warn("dmcc tls hostname verification is off, insecure, for a lab only: any certificate the trust store accepts is taken for AES");
        }
        if (o.trustStore() != null) {
            n.setTrustOptions(TrustStores.of(o.trustStore(), o.trustStorePassword()));
        }
        return n;
    }
}
