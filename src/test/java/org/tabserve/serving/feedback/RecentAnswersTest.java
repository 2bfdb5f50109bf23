package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Prediction;

/**
 * The answers kept for labels, on a clock of the test's: a label joins the row it names once, an answer over an hour
 * old or dropped for room is expired rather than unknown, the parts of one upload are numbered on, and the room they
 * take comes back when they go; the live figures forget what is over an hour old.
 */
class RecentAnswersTest {

    private static final List<String> CLASSES = List.of("0", "1");
    private static final long MINUTE = 60_000_000_000L;

    private static List<Prediction> answers(String... labels) {
        return java.util.Arrays.stream(labels)
                .<Prediction>map(label -> new Prediction.Classification(
                        label, CLASSES, List.of(label.equals("0") ? 0.9 : 0.1, label.equals("0") ? 0.1 : 0.9)))
                .toList();
    }

    private static AnswerRoom room(long bytes) {
        return new AnswerRoom(bytes);
    }

    @Test
    void aLabelJoinsTheRowItNamesOnceAndAnOldAnswerIsExpiredNotUnknown() {
        RecentAnswers answers = new RecentAnswers(CLASSES, room(1 << 20));
        assertTrue(answers.keep(0, "a", 0, answers("0", "1", "1")));
        assertEquals(new RecentAnswers.Join(RecentAnswers.Outcome.JOINED, 1, Double.NaN), answers.join(MINUTE, "a", 2));
        assertEquals(RecentAnswers.Join.DUPLICATE, answers.join(MINUTE, "a", 2));
        assertEquals(RecentAnswers.Join.UNKNOWN, answers.join(MINUTE, "a", 3), "no such row");
        assertEquals(RecentAnswers.Join.UNKNOWN, answers.join(MINUTE, "b", 0), "no such answer");
        assertEquals(RecentAnswers.Join.EXPIRED, answers.join(61 * MINUTE, "a", 0));
        assertEquals(0, answers.size());
    }

    @Test
    void aSecondAnswerUnderAKeptIdIsNotKeptSoThatItCanNeitherClearNorMoveItsLabels() {
        RecentAnswers answers = new RecentAnswers(CLASSES, room(1 << 20));
        assertTrue(answers.keep(0, "order-7", 0, answers("0")));
        assertEquals(
                RecentAnswers.Outcome.JOINED, answers.join(MINUTE, "order-7", 0).outcome());
        for (int i = 1; i <= 20; i++) { // issue 61: 20 re-answers and 20 labels once made 21 labelled rows of one
            assertFalse(answers.keep(MINUTE + i, "order-7", 0, answers("1")), "a re-sent request is not kept again");
            assertEquals(
                    RecentAnswers.Join.DUPLICATE, answers.join(MINUTE + i, "order-7", 0), "the first label counts");
        }

        assertTrue(answers.keep(0, "victim", 0, answers("0")));
        assertFalse(answers.keep(MINUTE, "victim", 0, answers("1", "1")), "another row under the victim's id");
        assertEquals(
                new RecentAnswers.Join(RecentAnswers.Outcome.JOINED, 0, Double.NaN),
                answers.join(2 * MINUTE, "victim", 0),
                "the victim's label joins the victim's answer, not the one sent later under its id");
        assertEquals(RecentAnswers.Join.UNKNOWN, answers.join(2 * MINUTE, "victim", 1), "the later one was not kept");

        assertTrue(answers.keep(0, "late", 0, answers("0")));
        assertFalse(answers.keep(61 * MINUTE, "late", 0, answers("1")), "an expired answer's id is not taken again");
        assertEquals(RecentAnswers.Join.EXPIRED, answers.join(62 * MINUTE, "late", 0), "its late label is told so");
        assertTrue(
                answers.keep(121 * MINUTE, "late", 0, answers("1")),
                "two hours after its answer the id is forgotten, as the shared store forgets its mark");
        assertFalse(answers.keep(121 * MINUTE, "late", 3, answers("1")), "a later part must follow the rows kept");
    }

    @Test
    void twoCallersAnswersUnderOneIdAreTwoAnswersAndALabelJoinsOnlyItsOwnCallers() {
        RecentAnswers answers = new RecentAnswers(CLASSES, room(1 << 20));
        assertTrue(answers.keep(0, "alice", "r1", 0, answers("0"), "10.0.0.1"));
        assertTrue(
                answers.keep(0, "bob", "r1", 0, answers("1", "1"), "10.0.0.2"),
                "bob's r1 is bob's own, kept beside alice's (issue 63, item 5)");
        assertTrue(answers.keep(0, "", "r1", 0, answers("1"), "10.0.0.3"), "and so is an anonymous caller's r1");
        assertEquals(3, answers.size());
        assertEquals(
                new RecentAnswers.Join(RecentAnswers.Outcome.JOINED, 1, Double.NaN),
                answers.join(MINUTE, "bob", "r1", 1));
        assertEquals(
                new RecentAnswers.Join(RecentAnswers.Outcome.JOINED, 0, Double.NaN),
                answers.join(MINUTE, "alice", "r1", 0),
                "alice's label joins alice's answer, not bob's");
        assertEquals(
                RecentAnswers.Join.UNKNOWN, answers.join(MINUTE, "alice", "r1", 1), "bob's second row is not hers");
        assertFalse(answers.holds(MINUTE, "carol", "r1"));
        assertEquals(
                RecentAnswers.Join.UNKNOWN,
                answers.join(MINUTE, "carol", "r1", 0),
                "another caller's id is unknown to carol, as an id never answered is");
        assertEquals(
                RecentAnswers.Join.UNKNOWN,
                answers.join(MINUTE, "alic", "er1", 0),
                "a name and an id that spell the same text are not the same caller's id");
        assertEquals(
                RecentAnswers.Join.EXPIRED,
                answers.join(61 * MINUTE, "bob", "r1", 0),
                "each caller's id expires as its own");
        assertEquals(RecentAnswers.Join.UNKNOWN, answers.join(61 * MINUTE, "carol", "r1", 0), "and is never carol's");
    }

    @Test
    void theLaterPartsOfOneAnswerAreNumberedOnAndKeepTheirEarlierRowsLabels() {
        RecentAnswers answers = new RecentAnswers(CLASSES, room(1 << 20));
        answers.keep(0, "upload", 0, answers("0", "0"));
        assertEquals(RecentAnswers.Outcome.JOINED, answers.join(0, "upload", 1).outcome());
        answers.keep(0, "upload", 2, answers("1"));
        assertEquals(1, answers.join(0, "upload", 2).predictedClass());
        assertEquals(RecentAnswers.Join.DUPLICATE, answers.join(0, "upload", 1));
        assertFalse(answers.keep(0, "lost", 5, answers("1")), "a later part whose first part was not kept");
    }

    @Test
    void answersPastTheRoomDropTheOldestWhoseLabelsAreExpiredAndTheRoomComesBack() {
        AnswerRoom room = room(2 * RecentAnswers.bytes(1, Integer.BYTES));
        RecentAnswers answers = new RecentAnswers(CLASSES, room);
        for (int i = 0; i < 5; i++) {
            assertTrue(answers.keep(i * 11 * MINUTE, "id-" + i, 0, answers("1")), "each older one is past the floor");
        }
        assertEquals(2, answers.size());
        assertEquals(RecentAnswers.Join.EXPIRED, answers.join(45 * MINUTE, "id-0", 0));
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(45 * MINUTE, "id-4", 0).outcome());
        answers.clear();
        assertEquals(0, room.used());
        assertFalse(new RecentAnswers(CLASSES, room(10)).keep(0, "big", 0, answers("1")), "no room at all");
    }

    @Test
    void aFloodOfAnswersTakesBackItsOwnAnswersAndNeverAnotherClientsYoungerThanTheFloor() {
        AnswerRoom room = room(4 * RecentAnswers.bytes(1, Integer.BYTES));
        RecentAnswers answers = new RecentAnswers(CLASSES, room);
        assertTrue(answers.keep(0, "honest", 0, answers("0"), "10.0.0.1"));
        for (int i = 0; i < 10_000; i++) {
            assertTrue(
                    answers.keep(MINUTE + i, "flood-" + i, 0, answers("1"), "10.0.0.66"),
                    "the flood's newest answer is kept, its own oldest let go");
        }
        assertEquals(RecentAnswers.Join.EXPIRED, answers.join(2 * MINUTE, "flood-9990", 0));
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(2 * MINUTE, "flood-9999", 0).outcome());
        assertTrue(
                answers.keep(3 * MINUTE, "honest-later", 0, answers("0"), "10.0.0.1"),
                "another client's answer is kept during the flood: the flood gives room back");
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(9 * MINUTE, "honest", 0).outcome(),
                "an answer younger than " + RecentAnswers.KEPT_AT_LEAST + " is never dropped for another's room");
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(9 * MINUTE, "honest-later", 0).outcome());
        assertTrue(answers.keep(11 * MINUTE, "flood-late", 0, answers("1"), "10.0.0.66"));
        assertEquals(
                RecentAnswers.Join.EXPIRED,
                answers.join(11 * MINUTE, "honest", 0),
                "past the floor the oldest make room, whoever they were for");
        answers.clear();
        assertEquals(0, room.used());
        assertEquals(0, room.held("10.0.0.66"));
    }

    @Test
    void theLiveFiguresAreOfTheLastHour() {
        LivePerformance performance = new LivePerformance();
        performance.add(0, 10, 9, 4, 3);
        performance.add(30 * MINUTE, 10, 8);
        double[] recent = performance.recent(59 * MINUTE);
        assertEquals(20, recent[LivePerformance.Sum.SCORED.ordinal()]);
        assertEquals(3, recent[LivePerformance.Sum.CORRECT.ordinal()]);
        double[] later = performance.recent(65 * MINUTE);
        assertEquals(10, later[LivePerformance.Sum.SCORED.ordinal()], "the first five minutes are over an hour old");
        assertEquals(0, later[LivePerformance.Sum.LABELLED.ordinal()]);
        assertEquals(20, performance.sinceStart()[LivePerformance.Sum.SCORED.ordinal()]);
    }
}
