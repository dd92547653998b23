package io.ctistream.connector.aes.codec;

/**
 * The namespaces DMCC requests are written in (protocols/aes.md section 2). Replies are read by
 * local name only, so these matter for writing; {@link #protocolVersion} builds the
 * {@code requestedProtocolVersions} values ({@code E/priv7} in the notes).
 */
public final class DmccNamespaces {
    /** A: ECMA-354 application session services. */
    public static final String APPL_SESSION = "http://www.ecma-international.org/standards/ecma-354/appl_session";
    /** E: ECMA-323 edition 3 CSTA. */
    public static final String CSTA = "http://www.ecma-international.org/standards/ecma-323/csta/ed3";
    /** V: Avaya's extensions. */
    public static final String AVAYA = "http://www.avaya.com/csta";
    static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private DmccNamespaces() {
    }

    /** {@code "privC"} is {@code http://www.ecma-international.org/standards/ecma-323/csta/ed3/privC}. */
    public static String protocolVersion(String priv) {
        return CSTA + "/" + priv;
    }
}
