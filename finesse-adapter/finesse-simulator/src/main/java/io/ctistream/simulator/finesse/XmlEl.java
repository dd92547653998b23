package io.ctistream.simulator.finesse;

import io.ctistream.codec.SafeXml;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A tiny element tree the simulator writes its XML with: a name, text or children, no attributes
 * beyond an optional list. Built by hand (not by the connector's codec) so the two cannot share a
 * mistake; the tree form lets a {@link NotificationStyle} rename and reorder before writing.
 */
final class XmlEl {
    private String name;
    private final String text;
    private final List<XmlEl> children = new ArrayList<>();
    private final List<String[]> attributes = new ArrayList<>();

    private XmlEl(String name, String text) {
        this.name = name;
        this.text = text;
    }

    static XmlEl el(String name) {
        return new XmlEl(name, null);
    }

    /** A leaf; null text is written as an empty element, as Finesse does for unknown values. */
    static XmlEl leaf(String name, Object text) {
        return new XmlEl(name, text == null ? "" : String.valueOf(text));
    }

    XmlEl add(XmlEl child) {
        children.add(child);
        return this;
    }

    XmlEl add(String name, Object text) {
        return add(leaf(name, text));
    }

    XmlEl attr(String name, String value) {
        attributes.add(new String[] {name, value});
        return this;
    }

    String name() {
        return name;
    }

    void rename(String newName) {
        this.name = newName;
    }

    List<XmlEl> children() {
        return children;
    }

    XmlEl child(String childName) {
        for (XmlEl c : children) {
            if (c.name.equals(childName)) {
                return c;
            }
        }
        return null;
    }

    void shuffle(Random random) {
        Collections.shuffle(children, random);
    }

    String xml() {
        StringBuilder b = new StringBuilder(256);
        write(b);
        return b.toString();
    }

    private void write(StringBuilder b) {
        b.append('<').append(name);
        for (String[] a : attributes) {
            b.append(' ').append(a[0]).append("=\"").append(SafeXml.escape(a[1])).append('"');
        }
        if (text == null && children.isEmpty()) {
            b.append("/>");
            return;
        }
        b.append('>');
        if (text != null) {
            b.append(SafeXml.escape(text));
        }
        for (XmlEl c : children) {
            c.write(b);
        }
        b.append("</").append(name).append('>');
    }

    @Override
    public String toString() {
        return xml();
    }
}
