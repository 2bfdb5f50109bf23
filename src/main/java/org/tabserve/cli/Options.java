package org.tabserve.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A command's {@code --name value} options and {@code --flag} switches, checked against what the command takes: an
 * unknown option, a missing value or an option given twice is a usage error that names it.
 */
final class Options {

    private final Map<String, String> values = new LinkedHashMap<>();

    private Options() {}

    /**
     * @param valued   the options that take a value, without {@code --}
     * @param switches the options that take none
     */
    static Options parse(String command, List<String> args, Set<String> valued, Set<String> switches) {
        Options options = new Options();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            String value = null;
            if (name != null && name.contains("=")) {
                value = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            if (name == null || !(valued.contains(name) || switches.contains(name))) {
                throw CommandException.usage(command + ": unknown argument '" + arg + "'; see " + command + " --help");
            }
            if (switches.contains(name)) {
                if (value != null) {
                    throw CommandException.usage(command + ": --" + name + " takes no value");
                }
                value = "true";
            } else if (value == null) {
                if (i + 1 >= args.size()) {
                    throw CommandException.usage(command + ": --" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (options.values.putIfAbsent(name, value) != null) {
                throw CommandException.usage(command + ": --" + name + " is given twice");
            }
        }
        return options;
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    String required(String command, String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw CommandException.usage(command + ": --" + name + " is required; see " + command + " --help");
        }
        return value;
    }

    Path requiredPath(String command, String name) {
        return Path.of(required(command, name));
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }
}
