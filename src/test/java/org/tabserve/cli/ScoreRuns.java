package org.tabserve.cli;

/** Runs a command as {@code java -jar tabserve.war} would, for a test outside this package: its status and stderr. */
public final class ScoreRuns {

    private ScoreRuns() {}

    /** @return the command's exit status, then what it said on stderr ({@link CardCommandTest#run}'s) */
    public static String[] run(String... args) {
        CardCommandTest.Result result = CardCommandTest.run(args);
        return new String[] {Integer.toString(result.status()), result.err()};
    }
}
