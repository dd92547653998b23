package io.ctistream.connector.broadworks.codec;

import io.ctistream.codec.MalformedBodyException;
import io.ctistream.codec.SafeXml;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.w3c.dom.Element;

/**
 * The {@code x-broadworks-hoteling} package body ({@code application/x-broadworks-hoteling+xml}):
 * {@code SetHoteling} requests out, {@code HotelingEvent} notifications in. Pure: bytes in, values out.
 */
public final class HotelingXml {
    public static final String CONTENT_SUBTYPE = "x-broadworks-hoteling+xml";
    public static final String CONTENT_TYPE = "application/" + CONTENT_SUBTYPE;
    public static final String EVENT_PACKAGE = "x-broadworks-hoteling";
    public static final String NAMESPACE = "http://schema.broadsoft.com/hoteling";

    private HotelingXml() {
    }

    /** What a HotelingEvent NOTIFY says. */
    public record HotelingEvent(String guestAddress, String nonce, Long expires) {
        /** An empty guest: no guest on the host (log-off, a refused sign-in, a remote guest-out). */
        public boolean guestPresent() {
            return guestAddress != null;
        }

        /** The AS wants the guest's password before it associates the guest. */
        public boolean challenged() {
            return nonce != null;
        }
    }

    /** SetHoteling with a guest (log on) or with {@code null} (clear the guest: log off). */
    public static byte[] setHoteling(String guestAddress) {
        return setHoteling(guestAddress, null, null);
    }

    /** SetHoteling answering a nonce challenge: response = md5hex(nonce + ":" + password). */
    public static byte[] setHoteling(String guestAddress, String nonce, String password) {
        StringBuilder b = new StringBuilder(256);
        b.append("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n");
        b.append("<SetHoteling xmlns=\"").append(NAMESPACE).append("\">\n");
        if (guestAddress == null || guestAddress.isBlank()) {
            b.append("<guestAddress/>\n");
        } else {
            b.append("<guestAddress>").append(SafeXml.escape(guestAddress)).append("</guestAddress>\n");
        }
        if (nonce != null) {
            b.append("<authenticationData>\n");
            b.append("<nonce>").append(SafeXml.escape(nonce)).append("</nonce>\n");
            b.append("<algorithm>MD5</algorithm>\n");
            b.append("<response>").append(digest(nonce, password)).append("</response>\n");
            b.append("</authenticationData>\n");
        }
        b.append("</SetHoteling>\n");
        return Latin1.encode(b);
    }

    /** md5hex(nonce + ":" + password), lower case. */
    public static String digest(String nonce, String password) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            byte[] d = md5.digest((nonce + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    /**
     * Reads a HotelingEvent. Any other root is refused: the hoteling package has one document.
     *
     * @throws MalformedBodyException for a body that is not a HotelingEvent
     */
    public static HotelingEvent decode(byte[] body) {
        Element root = SafeXml.parse(body);
        if (!"HotelingEvent".equals(SafeXml.localName(root))) {
            throw new MalformedBodyException("expected HotelingEvent, got " + SafeXml.localName(root));
        }
        String guest = SafeXml.text(root, "guestAddress");
        String nonce = SafeXml.text(SafeXml.child(root, "authenticationData"), "nonce");
        String expires = SafeXml.text(root, "expires");
        Long exp = null;
        if (expires != null) {
            try {
                exp = Long.parseLong(expires);
            } catch (NumberFormatException e) {
                exp = null; // informational only; a non-number is not worth refusing the guest for
            }
        }
        return new HotelingEvent(guest, nonce, exp);
    }
}
