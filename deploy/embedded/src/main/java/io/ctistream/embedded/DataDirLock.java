package io.ctistream.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive, process-wide lock on a ctistream data directory, taken before anything in it is
 * read or written.
 *
 * <p>Kafka locks its log directory only when the broker half starts, after the KRaft controller has
 * already opened (and may have appended to) the metadata log. A second process pointed at the same
 * directory would therefore touch the live metadata log before being refused, and that is enough to
 * wedge the first process's controlled shutdown. This lock refuses the second process first.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = ".ctistream.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks {@code dir}, creating it if needed, or fails with a message a person can act on. */
    static DataDirLock acquire(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(dir);
            }
            return new DataDirLock(channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw inUse(dir);
        } catch (IllegalStateException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IllegalStateException("could not lock the data directory [" + dir + "]: " + e.getMessage(), e);
        }
    }

    private static IllegalStateException inUse(Path dir) {
        return new IllegalStateException("the data directory [" + dir + "] is in use by another ctistream or kafka process: stop that one or use another data directory");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked
            }
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
    }
}
