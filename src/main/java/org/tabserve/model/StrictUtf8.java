package org.tabserve.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one reading of bytes as UTF-8 text that the files, bodies and tensors of text take (the MLflow reader, which
 * imports only the JDK and its parsers, holds the same rule): bytes that are not UTF-8 are
 * refused with a {@link CharacterCodingException}, never replaced by U+FFFD as {@code new String(bytes, UTF_8)} does.
 */
public final class StrictUtf8 {

    private StrictUtf8() {}

    /** @return a fresh decoder (a decoder is not thread-safe) that reports what is not UTF-8 */
    public static CharsetDecoder decoder() {
        return StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /**
     * @return {@code bytes} as text
     * @throws CharacterCodingException when they are not UTF-8
     */
    public static String decode(ByteBuffer bytes) throws CharacterCodingException {
        return decoder().decode(bytes).toString();
    }
}
