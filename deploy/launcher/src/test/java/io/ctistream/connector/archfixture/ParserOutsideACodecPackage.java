package io.ctistream.connector.archfixture;

import io.ctistream.codec.SafeXml;
import io.vertx.core.Vertx;

/** Deliberately broken: parses platform bytes (so it is a codec) outside a codec package, and uses Vert.x. */
public final class ParserOutsideACodecPackage {
    public String rootOf(byte[] body) {
        Vertx.currentContext();
        return SafeXml.localName(SafeXml.parse(body));
    }
}
