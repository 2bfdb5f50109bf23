package org.tabserve.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The entry point the launcher's bootstrap calls for {@code java -jar tabserve.war card|score|log-csv ...}: runs the command
 * and turns its refusal into one line on stderr and an exit status (0 done, 1 refused, 2 a command line it cannot
 * understand), as the launcher does for the server; an exception or Error it did not expect (an OutOfMemoryError on
 * a small heap, say) ends the same way, with status 1. Under {@code -XX:+ExitOnOutOfMemoryError} the JVM ends itself
 * first, so there the JVM's own line is all there is.
 */
public final class Commands {

    /** The commands, for the bootstrap's dispatch. */
    public static final List<String> NAMES = List.of(CardCommand.NAME, ScoreCommand.NAME, LogCsvCommand.NAME);

    private Commands() {}

    /** Runs a command and exits with its status. */
    public static void main(String[] args) {
        // The model core logs each load for a server's operator; a command speaks in its own lines only.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int status = run(args, System.out, System.err);
        System.out.flush();
        System.exit(status);
    }

    /** @return the exit status */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !NAMES.contains(args[0])) {
            err.println("tabserve: commands are " + NAMES + "; got " + (args.length == 0 ? "none" : args[0]));
            return CommandException.USAGE;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        return run(
                args[0],
                () -> switch (args[0]) {
                    case CardCommand.NAME -> new CardCommand(out, err).run(rest);
                    case ScoreCommand.NAME -> new ScoreCommand(out, err).run(rest);
                    default -> new LogCsvCommand(out, err).run(rest);
                },
                err);
    }

    /** A command's body, which returns its exit status or throws its refusal. */
    interface Body {
        int run() throws java.io.IOException;
    }

    /** Runs {@code body} as the command {@code name}; @return its exit status, a refusal said in one line */
    static int run(String name, Body body, PrintStream err) {
        try {
            return body.run();
        } catch (CommandException e) {
            err.println("tabserve " + e.getMessage());
            return e.status();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            err.println("tabserve " + name + ": " + e.getMessage());
            return CommandException.REFUSED;
        } catch (OutOfMemoryError e) {
            // What held the memory is unreachable once the command has unwound, so the line can be printed.
            err.println("tabserve " + name + ": out of memory (" + e.getMessage() + "); give the JVM more heap with"
                    + " -Xmx, e.g. java -Xmx1g -jar tabserve.war " + name + " ...");
            return CommandException.REFUSED;
        } catch (RuntimeException | Error e) {
            // A bug, or the JVM's own failure: still one line and a status, not a stack trace or silence.
            err.println("tabserve " + name + ": failed: " + e);
            return CommandException.REFUSED;
        }
    }
}
