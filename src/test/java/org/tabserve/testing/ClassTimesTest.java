package org.tabserve.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A class's timing line is what bench/ci-cpu/attribute.py splits: pid, class, start and end in ms, and the CPU ms the class cost
 * its own JVM, by tabs. */
class ClassTimesTest {

    @Test
    void aLineIsTheForkTheClassAndItsTimes() {
        assertEquals(
                "4242\torg.tabserve.ExampleIT\t1000\t2500\t730\n",
                ClassTimes.line(4242, "org.tabserve.ExampleIT", 1000, 2500, 730));
    }
}
