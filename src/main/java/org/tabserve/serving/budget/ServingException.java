package org.tabserve.serving.budget;

import java.util.List;
import org.tabserve.rows.field.FieldProblem;

/**
 * The serving layer's one error type: why a request's model work cannot go on (no such model or version, no room in
 * the memory budget, busy explanation threads, a bad {@code explain}, a client that has gone), in words and without a
 * transport, so that the web's error renderer and the gRPC status mapping both translate it, each in its own terms.
 */
public final class ServingException extends RuntimeException {

    /** What went wrong, which each transport maps to its own status. */
    public enum Kind {
        /** A request field the serving layer reads is wrong (HTTP 400): {@link #errors()} names it. */
        INVALID_FIELDS,
        /** The path names a model version that is no version (404). */
        NOT_FOUND,
        /** The request alone needs more than the server gives one request (413). */
        TOO_LARGE,
        /** The server is full for now (503 with a short {@code Retry-After}): try again shortly. */
        BUSY,
        /** There is no model to answer with, or the server is stopping (503 with a longer {@code Retry-After}). */
        UNAVAILABLE,
        /** An answer built from a model's metadata needs more than the heap gives one request (503, no retry). */
        NO_ROOM,
        /** The request names something that cannot be done as asked (422): a rollout of a version not ready. */
        REFUSED,
        /** The client went (hung up, cancelled, let its deadline pass) before its answer was ready; no server fault. */
        CLIENT_GONE,
        /** No credential named the caller, or the one sent is no credential of the server's (401). */
        UNAUTHENTICATED,
        /** The caller's credential does not give what the request needs (403): the detail names the scope. */
        FORBIDDEN
    }

    private final Kind kind;
    private final List<FieldProblem> errors;
    private final List<String> settings;

    private ServingException(
            Kind kind, String detail, List<FieldProblem> errors, List<String> settings, Throwable cause) {
        super(detail, cause);
        this.kind = kind;
        this.errors = List.copyOf(errors);
        this.settings = List.copyOf(settings);
    }

    /** @param settings the server's settings that raise the limit refused, which the transport says how to give */
    public static ServingException of(Kind kind, String detail, List<String> settings) {
        return new ServingException(kind, detail, List.of(), settings, null);
    }

    public static ServingException of(Kind kind, String detail) {
        return of(kind, detail, List.of());
    }

    /** A bad field the serving layer reads ({@code explain}), named in {@link #errors()}. */
    public static ServingException invalidField(String field, String message) {
        return new ServingException(
                Kind.INVALID_FIELDS, message, List.of(new FieldProblem(field, message, null)), List.of(), null);
    }

    /** Several bad fields the serving layer reads (a rollout's), each named in {@link #errors()}. */
    public static ServingException invalidFields(List<FieldProblem> errors) {
        return new ServingException(
                Kind.INVALID_FIELDS,
                errors.size() == 1
                        ? errors.get(0).field() + ": " + errors.get(0).message()
                        : errors.size() + " fields are wrong",
                errors,
                List.of(),
                null);
    }

    /** A caller that no credential named, or whose credential is not one of the server's, told what to send. */
    public static ServingException unauthenticated(String detail) {
        return of(Kind.UNAUTHENTICATED, detail);
    }

    /** A caller whose credential does not allow the request, told the scope it lacks. */
    public static ServingException forbidden(String detail) {
        return of(Kind.FORBIDDEN, detail);
    }

    /** A request well formed but refused for what it names, saying why. */
    public static ServingException refused(String detail) {
        return of(Kind.REFUSED, detail);
    }

    /** A request over a limit of the server's {@code setting}, naming the field that asked for it. */
    public static ServingException tooLarge(String detail, FieldProblem field, String setting) {
        return new ServingException(Kind.TOO_LARGE, detail, List.of(field), List.of(setting), null);
    }

    /** A 413 naming the field that asked for too much, for a limit no setting raises (the heap's share). */
    public static ServingException tooLarge(String detail, FieldProblem field) {
        return new ServingException(Kind.TOO_LARGE, detail, List.of(field), List.of(), null);
    }

    /**
     * @param how how the client was seen to go (the container's failed write), or null
     */
    public static ServingException clientGone(String detail, Throwable how) {
        return new ServingException(Kind.CLIENT_GONE, detail, List.of(), List.of(), how);
    }

    /** @return whether {@code failure} is {@link Kind#CLIENT_GONE}: no failure of the server's or the model's */
    public static boolean isClientGone(Throwable failure) {
        return failure instanceof ServingException e && e.kind == Kind.CLIENT_GONE;
    }

    public Kind kind() {
        return kind;
    }

    /** @return the bad fields, possibly empty */
    public List<FieldProblem> errors() {
        return errors;
    }

    /** @return the server's settings that raise the limit this refuses, possibly empty */
    public List<String> settings() {
        return settings;
    }
}
