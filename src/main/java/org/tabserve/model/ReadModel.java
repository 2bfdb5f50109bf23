package org.tabserve.model;

import java.util.Optional;
import org.tabserve.model.card.ModelCard;
import org.tabserve.model.signature.ModelSignature;
import org.tabserve.model.signature.ValueOutput;

/**
 * What every {@link Model} read from a file holds as it was read, and answers as is: where it came from, its digest,
 * its signature, its card and a regressor's output.
 */
public abstract class ReadModel implements Model {

    protected final String source;
    protected final String sha256;
    protected final ModelSignature signature;
    protected final ModelCard card;
    /** A regressor's output, for protocols that name outputs; null for a classifier. */
    protected final ValueOutput valueOutput;

    protected ReadModel(
            String source, String sha256, ModelSignature signature, ModelCard card, ValueOutput valueOutput) {
        this.source = source;
        this.sha256 = sha256;
        this.signature = signature;
        this.card = card;
        this.valueOutput = valueOutput;
    }

    @Override
    public final ModelSignature signature() {
        return signature;
    }

    @Override
    public final Optional<ValueOutput> valueOutput() {
        return Optional.ofNullable(valueOutput);
    }

    @Override
    public final ModelCard card() {
        return card;
    }

    @Override
    public final String sha256() {
        return sha256;
    }

    @Override
    public final String source() {
        return source;
    }
}
