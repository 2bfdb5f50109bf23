package org.tabserve.serving.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tabserve.model.signature.Prediction;

/**
 * A full room freed with a slack: a flood's answer lets a few more of its own older answers go than it needs, so that
 * its next ones find room at once, and those let go are expired, their room given back; never another client's
 * younger answers beyond the need, and a small room lets go only what it needs.
 */
class RoomForAnswersTest {

    private static final List<String> CLASSES = List.of("0", "1");
    private static final long MINUTE = 60_000_000_000L;
    private static final long ONE_ROW = RecentAnswers.bytes(1, Integer.BYTES);
    private static final List<Prediction> ROW = List.of(new Prediction.Classification("1", CLASSES, List.of(0.1, 0.9)));

    private static String flood(int i) {
        return "flood-" + i;
    }

    @Test
    void aFullRoomIsFreedByTheSlackOfTheFloodsOwnOldestAnswers() {
        AnswerRoom room = new AnswerRoom(1000 * ONE_ROW);
        RecentAnswers answers = new RecentAnswers(CLASSES, room);
        for (int i = 0; i < 1000; i++) {
            assertTrue(answers.keep(MINUTE + i, flood(i), 0, ROW, "10.0.0.66"));
        }
        assertEquals(1000, answers.size());
        assertTrue(answers.keep(2 * MINUTE, flood(1000), 0, ROW, "10.0.0.66"));
        int slack = 1000 / RoomForAnswers.SLACK_SHARE; // 15, under SLACK_ANSWERS
        assertEquals(1000 - slack, answers.size(), "the one answer needed and " + slack + " more let go");
        assertEquals(answers.size() * ONE_ROW, room.used(), "the room of those let go given back");
        assertEquals(room.used(), room.held("10.0.0.66"));
        for (int i = 0; i <= slack; i++) {
            assertEquals(RecentAnswers.Join.EXPIRED, answers.join(2 * MINUTE, flood(i), 0), flood(i));
        }
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(2 * MINUTE, flood(slack + 1), 0).outcome());
        for (int i = 1001; i <= 1000 + slack; i++) {
            assertTrue(answers.keep(2 * MINUTE + i, flood(i), 0, ROW, "10.0.0.66"));
        }
        assertEquals(1000, answers.size(), "the next answers found room without letting any go");
        assertEquals(
                RecentAnswers.Join.DUPLICATE, answers.join(2 * MINUTE, flood(slack + 1), 0), "still kept, labelled");
    }

    @Test
    void anotherClientsAnswerLetsOnlyTheOneItNeedsGoAndPastTheFloorTheSlackIsOfTheOldest() {
        AnswerRoom room = new AnswerRoom(1000 * ONE_ROW);
        RecentAnswers answers = new RecentAnswers(CLASSES, room);
        for (int i = 0; i < 1000; i++) {
            assertTrue(answers.keep(MINUTE + i, flood(i), 0, ROW, "10.0.0.66"));
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(answers.keep(2 * MINUTE, "honest-" + i, 0, ROW, "10.0.0.1"));
            assertEquals(1000, answers.size(), "one of the flood's let go for each, no slack for another client");
        }
        assertEquals(3 * ONE_ROW, room.held("10.0.0.1"));
        assertEquals(RecentAnswers.Join.EXPIRED, answers.join(2 * MINUTE, flood(2), 0));
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(2 * MINUTE, flood(3), 0).outcome());
        assertTrue(answers.keep(12 * MINUTE, "honest-later", 0, ROW, "10.0.0.1"));
        int slack = 1000 / RoomForAnswers.SLACK_SHARE;
        assertEquals(1000 - slack, answers.size(), "past the floor the oldest go, and the slack with them");
        assertEquals(answers.size() * ONE_ROW, room.used());
        assertEquals(
                RecentAnswers.Outcome.JOINED,
                answers.join(12 * MINUTE, "honest-0", 0).outcome(),
                "younger than " + RecentAnswers.KEPT_AT_LEAST + " and another client's");
    }
}
