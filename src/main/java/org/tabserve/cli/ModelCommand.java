package org.tabserve.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.tabserve.model.Model;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.ModelException;

/**
 * What every command over a model file and a CSV does the same way, in one place: its options and {@code --help},
 * the check that its input files can be read, and the model's loading, each refused in one line.
 */
abstract class ModelCommand {

    private static final Set<String> SWITCHES = Set.of("force", "help");

    private final String name;
    private final String usage;
    private final Set<String> valued;
    private final Set<String> switches;
    final PrintStream out;
    final PrintStream err;

    /** @param valued the options that take a value, without {@code --}; every command takes --force and --help */
    ModelCommand(String name, String usage, Set<String> valued, PrintStream out, PrintStream err) {
        this(name, usage, valued, Set.of(), out, err);
    }

    /** @param switches the command's own options that take no value, besides --force and --help */
    ModelCommand(
            String name, String usage, Set<String> valued, Set<String> switches, PrintStream out, PrintStream err) {
        this.name = name;
        this.usage = usage;
        this.valued = valued;
        this.switches = new java.util.HashSet<>(SWITCHES);
        this.switches.addAll(switches);
        this.out = out;
        this.err = err;
    }

    /** Parses the command line, answers {@code --help} with the usage; @return the exit status */
    final int run(List<String> args) throws IOException {
        Options options = Options.parse(name, args, valued, switches);
        if (options.flag("help")) {
            out.println(usage);
            return 0;
        }
        return run(options);
    }

    /** The command's body, given its checked options; @return the exit status */
    abstract int run(Options options) throws IOException;

    /**
     * Refuses the first of {@code inputs} that is not a readable regular file: the data files; a model is checked by
     * {@link #load}, as the server checks it.
     */
    static void requireReadable(String command, List<Path> inputs) {
        for (Path input : inputs) {
            if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
                throw CommandException.refused(command + ": cannot read " + input + ": no such file");
            }
        }
    }

    /**
     * Refuses an output file that cannot be written as asked, before any work: one in a directory that does not
     * exist (the write would fail naming only its temporary file), or a link to nothing (replacing it would put a
     * file where the user's link was, and writing through it would create a file they may not expect).
     *
     * @param given the {@code --out} as the user typed it, for the message
     */
    static void requireWritable(String command, String given, Path target) throws IOException {
        if (Files.isSymbolicLink(target) && !Files.exists(target)) {
            throw CommandException.refused(command + ": --out " + given + " is a link to "
                    + target.resolveSibling(Files.readSymbolicLink(target)) + ", which does not exist; write to the"
                    + " file itself, or remove the link");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw CommandException.refused(command + ": cannot write " + given + ": no directory " + parent);
        }
    }

    /** Loads the model as the server would; a model it cannot use is a refusal. */
    static Model load(String command, Path file) {
        try {
            return ModelLoader.load(file);
        } catch (ModelException e) {
            throw CommandException.refused(command + ": cannot use the model: " + e.getMessage());
        }
    }
}
