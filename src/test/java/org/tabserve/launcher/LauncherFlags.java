package org.tabserve.launcher;

import java.util.List;
import java.util.Map;

/**
 * Lets tests outside the launcher package check a command line (a deployment manifest's args) with the launcher's
 * own parser, so that no test keeps a second list of the flags.
 */
public final class LauncherFlags {

    private LauncherFlags() {}

    /**
     * Parses {@code args} as {@code java -jar tabserve.war ARGS} would, with no environment.
     *
     * @throws IllegalArgumentException with the launcher's own usage message for arguments it refuses
     */
    public static LauncherOptions parse(List<String> args) {
        try {
            return LauncherArguments.parse(args.toArray(String[]::new), Map.of());
        } catch (LauncherOptions.UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
