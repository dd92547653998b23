package io.ctistream.sip;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP Digest as SIP uses it (RFC 2617 / RFC 3261 section 22): MD5, with or without {@code qop=auth}.
 * Pure: strings in, strings out.
 */
public final class DigestAuth {
    private DigestAuth() {
    }

    /** A parsed WWW-Authenticate / Proxy-Authenticate / Authorization header value (after "Digest"). */
    public static Map<String, String> params(String headerValue) {
        String v = headerValue.strip();
        if (v.regionMatches(true, 0, "Digest", 0, 6)) {
            v = v.substring(6);
        }
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < v.length()) {
            while (i < v.length() && (v.charAt(i) == ',' || Character.isWhitespace(v.charAt(i)))) {
                i++;
            }
            int eq = v.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = v.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < v.length() && v.charAt(i) == '"') {
                int end = v.indexOf('"', i + 1);
                if (end < 0) {
                    end = v.length();
                }
                value = v.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = v.indexOf(',', i);
                if (end < 0) {
                    end = v.length();
                }
                value = v.substring(i, end).strip();
                i = end;
            }
            out.put(key, value);
        }
        return out;
    }

    /**
     * The response hash. With {@code qop} null it is MD5(HA1:nonce:HA2); with qop "auth" it is
     * MD5(HA1:nonce:nc:cnonce:qop:HA2).
     */
    public static String response(String user, String realm, String password, String method, String uri, String nonce,
                                  String qop, String nc, String cnonce) {
        String ha1 = md5(user + ":" + realm + ":" + password);
        String ha2 = md5(method + ":" + uri);
        if (qop == null) {
            return md5(ha1 + ":" + nonce + ":" + ha2);
        }
        return md5(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** An Authorization header value answering a challenge; picks qop=auth when the challenge offers it. */
    public static String authorization(Map<String, String> challenge, String user, String password, String method,
                                       String uri, String cnonce) {
        String realm = challenge.getOrDefault("realm", "");
        String nonce = challenge.getOrDefault("nonce", "");
        String qopOffer = challenge.get("qop");
        String qop = qopOffer != null && qopOffer.toLowerCase(Locale.ROOT).contains("auth") ? "auth" : null;
        String nc = "00000001";
        StringBuilder b = new StringBuilder("Digest ");
        b.append("username=\"").append(user).append("\", realm=\"").append(realm).append("\", nonce=\"").append(nonce)
                .append("\", uri=\"").append(uri).append("\", response=\"")
                .append(response(user, realm, password, method, uri, nonce, qop, nc, cnonce)).append("\", algorithm=MD5");
        if (challenge.containsKey("opaque")) {
            b.append(", opaque=\"").append(challenge.get("opaque")).append('"');
        }
        if (qop != null) {
            b.append(", qop=auth, nc=").append(nc).append(", cnonce=\"").append(cnonce).append('"');
        }
        return b.toString();
    }

    public static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
