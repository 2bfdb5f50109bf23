package org.tabserve.rows.read;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.RangeWarning;
import org.tabserve.rows.field.RowWarnings;

/**
 * What the readers of typed columns (Arrow, Parquet) share beyond {@link RowsReader}: the bytes a read holds reserved
 * from the request's budget at their most, once over every pass, and each text input that was sent numbers, told
 * once.
 */
public abstract class TypedColumnsReader extends RowsReader {

    /** Takes bytes from the request's budget ({@link #reservingRowMemory}); null outside the server. */
    private LongConsumer grow;
    /** The bytes reserved so far, over every pass (the reservation lasts as long as the request). */
    private long reserved;
    /** What the request's budget threw when asked for more (its 413 or 503), or null: passed on as it is. */
    private RuntimeException refusedByBudget;
    /** Each text input sent numbers, with the first one's text, on the last read. */
    protected final Map<String, String> numbersAsText = new LinkedHashMap<>();

    protected TypedColumnsReader(ModelSignature signature, long maxRows, String what) {
        super(signature, maxRows, what);
    }

    @Override
    public RowsReader reservingRowMemory(LongConsumer grow) {
        this.grow = grow;
        return super.reservingRowMemory(grow);
    }

    /**
     * A checking pass starts a request's reading afresh: what an earlier pass reserved may have been given back (the
     * upload route gives back all it holds when the rows could not be kept for the answer), so it reserves again;
     * a pass that follows it ({@link #forEachChunk}) is covered by what it reserved.
     */
    @Override
    public List<String> validate(InputStream input) throws IOException {
        reserved = 0;
        return super.validate(input);
    }

    @Override
    public boolean validateAndKeep(InputStream input, int keepRows, Consumer<RowChunk> ahead, Room room)
            throws IOException {
        reserved = 0;
        return super.validateAndKeep(input, keepRows, ahead, room);
    }

    /** The warnings of the last read told once: each ignored column, and each text input that was sent numbers. */
    @Override
    public List<RangeWarning> requestWarnings() {
        List<RangeWarning> warnings = super.requestWarnings();
        RowWarnings.numbersAsText(numbersAsText, warnings);
        return warnings;
    }

    /**
     * Reserves from the request's budget what the read holds now beyond the most reserved so far.
     *
     * @throws RuntimeException what the budget throws when it has no room, also kept ({@link #refusedByBudget}) so
     *                          that a reader whose library wrapped it can pass it on rather than blame the input
     */
    protected void reserveUpTo(long held) {
        if (grow != null && held > reserved) {
            try {
                grow.accept(held - reserved);
            } catch (RuntimeException e) {
                refusedByBudget = e;
                throw e;
            }
        }
        reserved = Math.max(reserved, held);
    }

    /** @return what the request's budget refused on this reader's last reservation, or null */
    protected RuntimeException refusedByBudget() {
        return refusedByBudget;
    }
}
