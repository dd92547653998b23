package io.ctistream.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestAuthTest {

    /** Verifies the response against the worked example of RFC 2617 section 3.5 (qop=auth). */
    @Test
    void rfc2617Example() {
        String r = DigestAuth.response("Mufasa", "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b");
        assertThat(r).isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    /** Verifies that a challenge header is parsed, quoted and unquoted values alike. */
    @Test
    void parsesChallenge() {
        Map<String, String> p = DigestAuth.params("Digest realm=\"BroadWorks\", nonce=\"abc,def\", qop=\"auth\", algorithm=MD5, stale=FALSE");
        assertThat(p).containsEntry("realm", "BroadWorks").containsEntry("nonce", "abc,def").containsEntry("qop", "auth")
                .containsEntry("algorithm", "MD5").containsEntry("stale", "FALSE");
    }

    /** Verifies that an answer without qop follows RFC 2069 and that a qop challenge gets nc and cnonce. */
    @Test
    void authorizationHeader() {
        String plain = DigestAuth.authorization(Map.of("realm", "BroadWorks", "nonce", "n1"), "6001", "pw", "SUBSCRIBE",
                "sip:6001@as.example", "c");
        assertThat(plain).startsWith("Digest username=\"6001\", realm=\"BroadWorks\", nonce=\"n1\", uri=\"sip:6001@as.example\"")
                .contains("response=\"" + DigestAuth.md5(DigestAuth.md5("6001:BroadWorks:pw") + ":n1:"
                        + DigestAuth.md5("SUBSCRIBE:sip:6001@as.example")) + "\"")
                .doesNotContain("qop").doesNotContain("pw\"");
        String qop = DigestAuth.authorization(Map.of("realm", "r", "nonce", "n", "qop", "auth,auth-int", "opaque", "o"),
                "u", "p", "SUBSCRIBE", "sip:u@h", "cn");
        assertThat(qop).contains("qop=auth, nc=00000001, cnonce=\"cn\"").contains("opaque=\"o\"");
    }
}
