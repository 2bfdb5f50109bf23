package org.tabserve.web.v2;

import java.util.List;
import org.tabserve.web.http.HttpProblem;

/**
 * Finds the model's input or output that a request's tensor name names: the one of that name, else the one whose name
 * equals it ignoring case (Flink 2.3's Triton model provider upper-cases its columns' names, so that a model's
 * {@code input} and {@code label} arrive as {@code INPUT} and {@code LABEL}: FLINK-40684). A name that two of the
 * model's names equal ignoring case, and none exactly, names neither: a 400 naming both.
 */
final class V2Names {

    private V2Names() {}

    /**
     * @param name  the name the request gives
     * @param names the model's inputs' or outputs' names
     * @param what  {@code input} or {@code output}, for the message
     * @return the model's name that {@code name} names, or null when none does
     * @throws HttpProblem 400 when more than one of the model's names equals it ignoring case
     */
    static String find(String name, List<String> names, String what) {
        if (names.contains(name)) {
            return name;
        }
        List<String> alike =
                names.stream().filter(n -> n.equalsIgnoreCase(name)).toList();
        if (alike.size() > 1) {
            throw HttpProblem.badRequest(what + " '" + name + "' names none of the model's " + what + "s exactly and "
                    + alike.size() + " of them ignoring case, " + alike + "; name one exactly");
        }
        return alike.isEmpty() ? null : alike.get(0);
    }
}
