package org.tabserve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorLinesTest {

    /** What Tomcat 10.1 prints at start-up where Debian's tomcat10 put an older Tomcat Native library on the path. */
    static final String TOMCAT_NATIVE = "23-Nov-2026 14:02:11.305 SEVERE [main] org.apache.catalina.core."
            + "AprLifecycleListener.lifecycleEvent An incompatible version [1.2.35] of the Apache Tomcat Native library is"
            + " installed, while Tomcat requires at least version [1.3.0] of Tomcat Native 1.x";

    @Test
    void theContainersStartUpErrorIsNotCountedAndTheAppsErrorAfterTheMarkIs() {
        List<String> log = new ArrayList<>(List.of(
                TOMCAT_NATIVE,
                "23-Nov-2026 14:02:13.010 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in"
                        + " [2114] milliseconds"));
        int mark = log.size();
        String appError = "23-Nov-2026 14:02:15.442 SEVERE [http-nio-8080-exec-3] org.tabserve.web.http.ErrorRenderer."
                + "render the answer could not be written";
        log.add("23-Nov-2026 14:02:15.440 INFO [http-nio-8080-exec-3] org.tabserve.web.TabserveListener.x a line");
        log.add(appError);
        log.add("java.io.EOFException: the client hung up");

        assertEquals(List.of(appError, "java.io.EOFException: the client hung up"), ErrorLines.since(log, mark));
        assertEquals(List.of(), ErrorLines.since(log.subList(0, mark), mark), "the start-up line alone is no error");
    }

    @Test
    void anErrorBeforeTheMarkIsNotCountedEvenWhenItIsTheApps() {
        List<String> log = List.of("2026-11-23 14:02:15 SEVERE org.tabserve.web.TabserveListener: no model", "ok");
        assertEquals(List.of(), ErrorLines.since(log, 1));
        assertEquals(List.of(log.get(0)), ErrorLines.since(log, 0));
    }
}
