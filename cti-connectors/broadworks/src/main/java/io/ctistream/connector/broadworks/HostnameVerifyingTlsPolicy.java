package io.ctistream.connector.broadworks;

import gov.nist.javax.sip.ClientTransactionExt;
import gov.nist.javax.sip.TlsSecurityPolicy;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Checks, for every TLS client transaction, that the AS certificate names the host dialled
 * (subject alternative names, DNS or IP; RFC 5922 style, without wildcards beyond one label).
 * The NIST stack calls it once the handshake is done; a mismatch refuses the request.
 */
public final class HostnameVerifyingTlsPolicy implements TlsSecurityPolicy {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HostnameVerifyingTlsPolicy.class);

    @Override
    public void enforceTlsPolicy(ClientTransactionExt transaction) throws SecurityException {
        try {
            check(transaction);
        } catch (SecurityException e) {
            // the stack drops the request; without this line the operator would see only a SIP timeout later
            LOG.warn("tls connection refused, nothing sent: {}", e.getMessage());
            throw e;
        }
    }

    private static void check(ClientTransactionExt transaction) {
        String host = transaction.getNextHop().getHost();
        Certificate[] chain;
        try {
            chain = transaction.getPeerCertificates();
        } catch (Exception e) {
            throw new SecurityException("no peer certificate from " + host, e);
        }
        if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            throw new SecurityException("no X.509 certificate from " + host);
        }
        if (!matches(cert, host)) {
            throw new SecurityException("the certificate of " + host + " does not name it");
        }
    }

    static boolean matches(X509Certificate cert, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        Collection<List<?>> names;
        try {
            names = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (names == null) {
            return false;
        }
        for (List<?> n : names) {
            Integer type = (Integer) n.get(0);
            String value = String.valueOf(n.get(1)).toLowerCase(Locale.ROOT);
            if ((type == 2 || type == 7) && (value.equals(h) || wildcard(value, h))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wildcard(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
}
