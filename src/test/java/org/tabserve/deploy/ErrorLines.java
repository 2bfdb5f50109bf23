package org.tabserve.deploy;

import java.util.List;

/**
 * Which lines of a server's log are errors caused by what a test did: the lines printed after the test began that
 * are {@code SEVERE} or show an {@code EOFException}. Lines printed before it, such as the container's own start-up
 * complaints (Debian's Tomcat finds an incompatible Tomcat Native library and says so as {@code SEVERE}), are not the
 * test's to count, in whatever format the container logs.
 */
final class ErrorLines {

    private ErrorLines() {}

    /**
     * @param log  the whole log so far
     * @param mark how many lines it had when the test began ({@code log().size()} then)
     * @return the error lines printed since
     */
    static List<String> since(List<String> log, int mark) {
        return log.subList(Math.min(mark, log.size()), log.size()).stream()
                .filter(line -> line.contains("SEVERE") || line.contains("EOFException"))
                .toList();
    }
}
