package io.ctistream.connector.finesse.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Verifies the root-name sniff that lets a {@code <message>} pass without being parsed twice. */
class XmppStanzasTest {
    /** Verifies the local name of the root element, with and without a prefix, and the blank and non-XML cases. */
    @Test
    void rootName() {
        assertThat(Stanzas.rootName(Buffer.buffer("<message from='x'><body/></message>"))).isEqualTo("message");
        assertThat(Stanzas.rootName(Buffer.buffer("\n <message>"))).isEqualTo("message");
        assertThat(Stanzas.rootName(Buffer.buffer("<stream:features xmlns:stream='s'/>"))).isEqualTo("features");
        assertThat(Stanzas.rootName(Buffer.buffer("<presence/>"))).isEqualTo("presence");
        assertThat(Stanzas.rootName(Buffer.buffer("<messages>"))).isEqualTo("messages");
        assertThat(Stanzas.rootName(Buffer.buffer("  \r\n"))).isEmpty();
        assertThat(Stanzas.rootName(Buffer.buffer("hello"))).isNull();
        assertThat(Stanzas.rootName(Buffer.buffer("<" + "a".repeat(100) + ">"))).isNull();
        assertThat(Stanzas.rootName(Buffer.buffer("<"))).isNull();
    }
}
