package io.ctistream.simulator.finesse;

/**
 * How the simulator spells its {@code <Update>} payloads, so connector tests can cover the
 * variations integrators meet (protocol notes §6 and §8.6): Finesse sends {@code put} or
 * {@code PUT}, {@code <user>} or {@code <User>}, its elements in any order, and a requestId that is
 * not reliable.
 *
 * @param lowerCaseEvent {@code put}/{@code post}/{@code delete} instead of upper case
 * @param capitalObjects {@code <User>}/{@code <Dialog>} under {@code data} instead of the captured {@code <user>}/{@code <dialog>}
 * @param shuffled the children of {@code <Update>} and of the object are shuffled (seeded by {@code seed})
 * @param omitRequestId no {@code <requestId>} element at all
 * @param seed the shuffle's seed, so a run is repeatable
 */
public record NotificationStyle(boolean lowerCaseEvent, boolean capitalObjects, boolean shuffled, boolean omitRequestId, long seed) {
    /** As in the 12.5 capture (TV1): {@code <data>} first, {@code PUT}, {@code <user>}, requestId present. */
    public static final NotificationStyle CAPTURE = new NotificationStyle(false, false, false, false, 0);

    /** Every variation at once. */
    public static NotificationStyle varied(long seed) {
        return new NotificationStyle(true, true, true, true, seed);
    }
}
