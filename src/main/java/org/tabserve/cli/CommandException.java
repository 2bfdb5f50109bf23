package org.tabserve.cli;

/** The command line's one error type: an exit status and the one line that says what is wrong. */
final class CommandException extends RuntimeException {

    /** Exit status of a command line that cannot be understood (an unknown option, a missing value). */
    static final int USAGE = 2;
    /** Exit status of everything else a command refuses: an unusable model, a file it cannot read or must not write. */
    static final int REFUSED = 1;

    private final int status;

    CommandException(int status, String message) {
        super(message);
        this.status = status;
    }

    static CommandException usage(String message) {
        return new CommandException(USAGE, message);
    }

    static CommandException refused(String message) {
        return new CommandException(REFUSED, message);
    }

    int status() {
        return status;
    }
}
