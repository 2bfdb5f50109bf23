package org.tabserve.outbound;

import java.io.IOException;

/** A read from outside abandoned past its deadline or below its rate, said in words that name the setting. */
public final class ReadAbandoned extends IOException {

    ReadAbandoned(String words) {
        super(words, null);
    }
}
