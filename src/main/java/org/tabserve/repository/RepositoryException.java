package org.tabserve.repository;

/** The one failure type of the repository layer; its kind tells an outer layer how to answer. */
public final class RepositoryException extends RuntimeException {

    /** What went wrong, which decides the answer (for HTTP: 404, 503, 409, 400, 422, 409, 500). */
    public enum Kind {
        /** No such model, or no such version loaded; the message lists what there is. */
        NOT_FOUND,
        /** The model is known but no version of it is ready; the message says why. */
        UNAVAILABLE,
        /** Loading it would pass {@code --max-models}. */
        LIMIT,
        /** A name that cannot be a model's (it must be usable as a file name and in a URL). */
        INVALID_NAME,
        /** An installed file is not a model tabserve can serve; nothing on disk changed. */
        INVALID_MODEL,
        /** The repository directory cannot be written (a read-only volume). */
        NOT_WRITABLE,
        /** Reading or writing the repository directory failed. */
        IO
    }

    private final Kind kind;

    RepositoryException(Kind kind, String message) {
        this(kind, message, null);
    }

    RepositoryException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** @return what went wrong */
    public Kind kind() {
        return kind;
    }
}
