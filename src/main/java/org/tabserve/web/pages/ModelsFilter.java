package org.tabserve.web.pages;

import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.tabserve.rows.field.FieldProblem;
import org.tabserve.web.http.HttpProblem;

/**
 * The models page's filter, from its query ({@code ?name=&state=&trouble=}), so that it works without script and a
 * filtered page can be linked to: a part of the served name (any case), a state, and how much trouble a version is
 * in. A value it does not take is a 400 naming the parameter.
 *
 * @param name    text the served name must contain, lower-cased; empty for any
 * @param state   loaded, loading, failed or unloading; empty for any
 * @param trouble {@code any} (amber or red, or not serving), {@code bad} (red) or {@code none}; empty for all
 */
record ModelsFilter(String name, String state, String trouble) {

    /** The longest name filter taken: longer than any served name needs. */
    static final int MAX_NAME = 200;
    /** The states the filter takes, in the page's words. */
    static final List<String> STATES = List.of("loaded", "loading", "failed", "unloading");
    /** The trouble levels the filter takes. */
    static final List<String> TROUBLE = List.of("any", "bad", "none");
    /** No filter: every version. */
    static final ModelsFilter NONE = new ModelsFilter("", "", "");

    /** @throws HttpProblem 400 naming each parameter whose value the filter does not take */
    static ModelsFilter of(HttpServletRequest request) {
        String name = one(request, "name").strip();
        String state = one(request, "state").strip().toLowerCase(Locale.ROOT);
        String trouble = one(request, "trouble").strip().toLowerCase(Locale.ROOT);
        List<FieldProblem> problems = new ArrayList<>();
        if (name.length() > MAX_NAME) {
            problems.add(new FieldProblem("name", "must be at most " + MAX_NAME + " characters", null));
        }
        if (!state.isEmpty() && !STATES.contains(state)) {
            problems.add(
                    new FieldProblem("state", "must be one of " + STATES + " or empty, got '" + state + "'", null));
        }
        if (!trouble.isEmpty() && !TROUBLE.contains(trouble)) {
            problems.add(new FieldProblem(
                    "trouble", "must be one of " + TROUBLE + " or empty, got '" + trouble + "'", null));
        }
        if (!problems.isEmpty()) {
            throw HttpProblem.invalidFields(problems);
        }
        return new ModelsFilter(name.toLowerCase(Locale.ROOT), state, trouble);
    }

    private static String one(HttpServletRequest request, String parameter) {
        String value;
        try {
            value = request.getParameter(parameter);
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("the query could not be read (not url-encoded UTF-8)");
        }
        return value == null ? "" : value;
    }

    /** @return whether the filter lets every version through */
    boolean none() {
        return name.isEmpty() && state.isEmpty() && trouble.isEmpty();
    }

    /** @return whether {@code row} passes */
    boolean passes(ModelsPage.Row row) {
        if (!name.isEmpty() && !row.name().toLowerCase(Locale.ROOT).contains(name)) {
            return false;
        }
        if (!state.isEmpty() && !state.equals(row.state())) {
            return false;
        }
        Severity trouble = row.trouble();
        return switch (this.trouble) {
            case "any" -> trouble != Severity.OK || !row.ready();
            case "bad" -> trouble == Severity.BAD;
            case "none" -> trouble == Severity.OK && row.ready();
            default -> true;
        };
    }

    /** @return whether {@code value} is the state chosen, for the page's {@code <select>} */
    public boolean stateIs(String value) {
        return state.equals(value);
    }

    /** @return whether {@code value} is the trouble level chosen, for the page's {@code <select>} */
    public boolean troubleIs(String value) {
        return trouble.equals(value);
    }
}
