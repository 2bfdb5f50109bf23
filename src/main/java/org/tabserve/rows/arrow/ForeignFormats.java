package org.tabserve.rows.arrow;

import java.nio.charset.StandardCharsets;

/**
 * Names the format a body sent as one format begins like, from its first bytes, so that a refusal can say what was
 * sent and how to send it instead: Feather V1 (pandas' {@code feather-format} before pyarrow), Parquet, an Arrow IPC
 * file or stream, gzip, zip or text.
 */
public final class ForeignFormats {

    private ForeignFormats() {}

    /**
     * @param start the body's first bytes (up to eight)
     * @return what the body looks like and what to do, as a clause after "it begins like", or null when the bytes say
     *         nothing known
     */
    public static String named(byte[] start) {
        if (begins(start, "FEA1")) {
            return "a Feather V1 file (FEA1), the format before Arrow IPC, which is not read: write Feather V2"
                    + " (pandas' to_feather or pyarrow.feather.write_feather) or an Arrow IPC stream";
        }
        if (begins(start, "PAR1")) {
            return "a Parquet file (PAR1): send it as application/vnd.apache.parquet or as a .parquet file";
        }
        if (begins(start, "ARROW1")) {
            return "an Arrow IPC file (ARROW1): send it as " + ArrowRowsReader.MEDIA_TYPE + " or as an .arrow file";
        }
        if (start.length >= 4 && start[0] == -1 && start[1] == -1 && start[2] == -1 && start[3] == -1) {
            return "an Arrow IPC stream: send it as " + ArrowRowsReader.MEDIA_TYPE + " or as an .arrows file";
        }
        if (start.length >= 3 && (start[0] & 0xff) == 0x1f && (start[1] & 0xff) == 0x8b && start[2] == 8) {
            return "a gzip file: send the file itself, not compressed";
        }
        if (begins(start, "PK\u0003\u0004")) {
            return "a zip archive: send the file itself, not zipped";
        }
        if (start.length > 0 && text(start)) {
            return "text (a CSV or JSON?): send it as text/csv or application/json";
        }
        return null;
    }

    /** @return whether {@code start} begins with {@code magic}'s bytes (ISO-8859-1) */
    public static boolean begins(byte[] start, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
        if (start.length < m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (start[i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean text(byte[] start) {
        for (byte b : start) {
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' || b == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
