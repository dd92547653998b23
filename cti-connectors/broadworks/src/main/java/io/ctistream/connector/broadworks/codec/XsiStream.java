package io.ctistream.connector.broadworks.codec;

import io.ctistream.codec.MalformedBodyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an Xsi-Events channel body incrementally (protocols/broadworks.md section 5): the streamed
 * response is a series of XML documents ({@code <Channel>}, {@code <ChannelHeartBeat/>},
 * {@code <xsi:Event>}), each optionally with its own XML declaration, cut into chunks wherever the
 * network cut them. {@link #feed} takes the next bytes and returns every document they completed,
 * decoded by {@link XsiEventsCodec}; a document that is split waits for the rest, several in one
 * chunk all come out, in order.
 *
 * <p>Nothing is buffered beyond the document being read, and that is refused once it passes
 * {@code maxEventBytes}: its remaining bytes are skipped, not held, and reading goes on with the
 * next document. A document cut short (a new XML declaration or a new {@code Event},
 * {@code Channel} or {@code ChannelHeartBeat} start tag before it ended) is refused and the new one
 * is read. Text between documents is refused once per run. Every refusal is a
 * {@link XsiMessage.Refused} in its place in the output and is counted in {@link #refused()}.
 *
 * <p>The splitter works on bytes: {@code <}, {@code >}, quotes and brackets are single bytes in
 * UTF-8 and ISO-8859-1 alike, so a multi-byte character split across chunks is never looked into.
 * Not thread-safe: one per channel.
 */
public final class XsiStream {
    /** Larger than any queue event; an ACDSubscriptionEvent with a few hundred waiting calls fits. */
    public static final int DEFAULT_MAX_EVENT_BYTES = 512 * 1024;
    private static final int NAME_LIMIT = 64;

    private enum Mode { TEXT, TAG, PI, COMMENT, CDATA, DECL }

    private final int maxEventBytes;
    private byte[] buf = new byte[8192];
    private int len;
    private int pos;
    /** Where the document being read began (its declaration or root tag), or -1 between documents. */
    private int start = -1;
    private boolean rootSeen;
    private int depth;
    private boolean skipping;
    private boolean junk;
    private Mode mode = Mode.TEXT;
    private byte quote;
    private int brackets;
    private int markupStart;
    private boolean endTag;
    private byte prev1;
    private byte prev2;
    private int markupBytes;
    private final StringBuilder name = new StringBuilder();
    private boolean nameDone;
    private long refused;

    public XsiStream() {
        this(DEFAULT_MAX_EVENT_BYTES);
    }

    public XsiStream(int maxEventBytes) {
        if (maxEventBytes < 64) {
            throw new IllegalArgumentException("an event limit of " + maxEventBytes + " bytes is too small");
        }
        this.maxEventBytes = maxEventBytes;
    }

    /** Documents refused so far. */
    public long refused() {
        return refused;
    }

    /** Bytes held for the document being read (never much more than the limit). */
    public int held() {
        return len;
    }

    /** The next bytes of the body; returns the documents they completed, in order. */
    public List<XsiMessage> feed(byte[] chunk) {
        return feed(chunk, 0, chunk.length);
    }

    public List<XsiMessage> feed(byte[] chunk, int offset, int length) {
        List<XsiMessage> out = new ArrayList<>();
        int at = offset;
        int end = offset + length;
        while (at < end) {
            // take at most what keeps the held document within about the limit, so an endless one never grows the buffer
            int room = Math.max(4096, maxEventBytes + 16 - len);
            int n = Math.min(room, end - at);
            append(chunk, at, n);
            at += n;
            scan(out);
            compact();
        }
        return out;
    }

    private void scan(List<XsiMessage> out) {
        while (pos < len) {
            if (mode == Mode.TEXT) {
                byte b = buf[pos];
                if (b != '<') {
                    if (start < 0 && depth == 0 && !whitespace(b) && !junk) {
                        junk = true;
                        refuse(out, "text outside any document");
                    }
                    pos++;
                    checkSize(out);
                    continue;
                }
                junk = false;
                if (!openMarkup()) {
                    return; // wait for the bytes that say what this markup is
                }
                continue;
            }
            byte b = buf[pos++];
            markupBytes++;
            switch (mode) {
                case TAG -> tagByte(b, out);
                case PI -> {
                    if (b == '>' && prev1 == '?' && markupBytes > 3) {
                        closePi(out);
                    } else {
                        collectName(b);
                    }
                }
                case COMMENT -> {
                    if (b == '>' && prev1 == '-' && prev2 == '-' && markupBytes > 6) {
                        mode = Mode.TEXT;
                    }
                }
                case CDATA -> {
                    if (b == '>' && prev1 == ']' && prev2 == ']' && markupBytes > 11) {
                        mode = Mode.TEXT;
                    }
                }
                case DECL -> {
                    if (quote != 0) {
                        quote = b == quote ? 0 : quote;
                    } else if (b == '"' || b == '\'') {
                        quote = b;
                    } else if (b == '[') {
                        brackets++;
                    } else if (b == ']') {
                        brackets--;
                    } else if (b == '>' && brackets <= 0) {
                        mode = Mode.TEXT;
                    }
                }
                default -> throw new IllegalStateException(mode.name());
            }
            prev2 = prev1;
            prev1 = b;
            checkSize(out);
        }
    }

    /** At a '<' in text: classifies the markup; false when more bytes are needed to tell. */
    private boolean openMarkup() {
        int avail = len - pos;
        if (avail < 2) {
            return false;
        }
        byte next = buf[pos + 1];
        Mode m;
        int skip;
        if (next == '?') {
            m = Mode.PI;
            skip = 2;
        } else if (next == '!') {
            if (avail < 4) {
                return false;
            }
            if (buf[pos + 2] == '-' && buf[pos + 3] == '-') {
                m = Mode.COMMENT;
                skip = 4;
            } else if (buf[pos + 2] == '[') {
                if (avail < 9) {
                    return false;
                }
                m = startsWith(pos + 2, "[CDATA[") ? Mode.CDATA : Mode.DECL;
                skip = m == Mode.CDATA ? 9 : 2;
            } else {
                m = Mode.DECL;
                skip = 2;
            }
        } else {
            m = Mode.TAG;
            endTag = next == '/';
            skip = endTag ? 2 : 1;
        }
        markupStart = pos;
        if (m == Mode.DECL && start < 0 && depth == 0) {
            start = pos; // a DOCTYPE belongs to the document that follows (and gets it refused by the parser)
        }
        if (m == Mode.TAG && !endTag && start < 0 && depth == 0 && !skipping) {
            start = pos;
        }
        mode = m;
        quote = 0;
        brackets = 0;
        prev1 = 0;
        prev2 = 0;
        markupBytes = skip;
        name.setLength(0);
        nameDone = false;
        pos += skip;
        return true;
    }

    private void tagByte(byte b, List<XsiMessage> out) {
        if (quote != 0) {
            quote = b == quote ? 0 : quote;
            return;
        }
        if (b == '"' || b == '\'') {
            quote = b;
            nameDone = true;
            return;
        }
        if (b != '>') {
            collectName(b);
            return;
        }
        mode = Mode.TEXT;
        boolean selfClosing = !endTag && prev1 == '/';
        if (endTag) {
            if (depth <= 0 && start < 0 && !skipping) {
                refuse(out, "a closing tag outside any document");
            }
            depth--;
            if (depth <= 0) {
                documentEnds(out);
            }
            return;
        }
        if (depth > 0 && markupStart >= 0 && isRootName()) {
            // a new document began before the last one ended: the last one was cut short
            if (!skipping) {
                refuse(out, "an event was cut short by the next one");
            }
            skipping = false;
            depth = 0;
            start = markupStart;
        }
        rootSeen = true;
        if (selfClosing) {
            if (depth == 0) {
                documentEnds(out);
            }
        } else {
            depth++;
        }
    }

    private void closePi(List<XsiMessage> out) {
        mode = Mode.TEXT;
        boolean declaration = name.toString().equals("xml");
        if (!declaration) {
            if (start < 0 && depth == 0 && !skipping) {
                start = markupStart;
            }
            return;
        }
        if (depth > 0) {
            if (!skipping) {
                refuse(out, "an event was cut short by the next one");
            }
            skipping = false;
            depth = 0;
        }
        // a declaration begins a document; one that no element followed is dropped
        start = markupStart; // -1 when the declaration itself was too long (refused already)
        rootSeen = false;
    }

    private void documentEnds(List<XsiMessage> out) {
        depth = 0;
        if (skipping) {
            skipping = false;
        } else if (start >= 0) {
            byte[] doc = Arrays.copyOfRange(buf, start, pos);
            try {
                XsiMessage m = XsiEventsCodec.decode(doc, maxEventBytes);
                if (m instanceof XsiMessage.Refused) {
                    refused++;
                }
                out.add(m);
            } catch (MalformedBodyException e) {
                refuse(out, e.getMessage());
            }
        }
        start = -1;
        rootSeen = false;
    }

    private void checkSize(List<XsiMessage> out) {
        if (start >= 0 && !skipping && pos - start > maxEventBytes) {
            refuse(out, "an event longer than " + maxEventBytes + " bytes");
            if (depth > 0 || mode == Mode.TAG) {
                skipping = true; // the rest of it is read for its end, not kept
            }
            start = -1;
            rootSeen = false;
        }
    }

    private void refuse(List<XsiMessage> out, String reason) {
        refused++;
        out.add(new XsiMessage.Refused(reason, null));
    }

    private void collectName(byte b) {
        if (nameDone) {
            return;
        }
        if (whitespace(b) || b == '/' || b == '?') {
            nameDone = name.length() > 0;
            return;
        }
        if (name.length() >= NAME_LIMIT) {
            nameDone = true;
            return;
        }
        name.append((char) (b & 0xff));
    }

    private boolean isRootName() {
        String n = name.toString();
        String local = n.substring(n.indexOf(':') + 1);
        return local.equals("Event") || local.equals("Channel") || local.equals("ChannelHeartBeat");
    }

    private boolean startsWith(int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (buf[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    private void append(byte[] src, int off, int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(src, off, buf, len, n);
        len += n;
    }

    /** Drops what no document needs any more: everything before the document being read, or before the scan position. */
    private void compact() {
        int keep;
        if (start >= 0) {
            keep = start;
        } else if ((mode == Mode.TAG && !endTag || mode == Mode.PI) && markupStart >= 0 && pos - markupStart <= maxEventBytes) {
            keep = markupStart; // a start tag or declaration that may begin the next document
        } else {
            keep = pos;
        }
        if (keep == 0) {
            return;
        }
        System.arraycopy(buf, keep, buf, 0, len - keep);
        len -= keep;
        pos -= keep;
        markupStart = markupStart < keep ? -1 : markupStart - keep;
        if (start >= 0) {
            start = 0;
        }
        if (buf.length > 64 * 1024 && len < buf.length / 4) {
            buf = Arrays.copyOf(buf, Math.max(8192, len * 2));
        }
    }
}
