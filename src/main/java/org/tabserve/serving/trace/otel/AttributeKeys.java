package org.tabserve.serving.trace.otel;

import io.opentelemetry.api.common.AttributeKey;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attribute keys of the server's spans, each made once: setting an attribute by its name makes a new key each
 * time, a dozen and more a sampled request. The names are the code's constants, so a few dozen in all; past
 * {@value #MOST} a key is made as before, never kept.
 */
final class AttributeKeys {

    /** The most keys kept of each type. */
    static final int MOST = 256;

    private static final ConcurrentHashMap<String, AttributeKey<String>> TEXTS = new ConcurrentHashMap<>();
    private static final ConcurrentHashMap<String, AttributeKey<Long>> NUMBERS = new ConcurrentHashMap<>();

    private AttributeKeys() {}

    /** @return the key of a text attribute named {@code name} */
    static AttributeKey<String> text(String name) {
        AttributeKey<String> key = TEXTS.get(name);
        if (key == null) {
            key = AttributeKey.stringKey(name);
            if (TEXTS.size() < MOST) {
                TEXTS.putIfAbsent(name, key);
            }
        }
        return key;
    }

    /** @return the key of a number attribute named {@code name} */
    static AttributeKey<Long> number(String name) {
        AttributeKey<Long> key = NUMBERS.get(name);
        if (key == null) {
            key = AttributeKey.longKey(name);
            if (NUMBERS.size() < MOST) {
                NUMBERS.putIfAbsent(name, key);
            }
        }
        return key;
    }
}
