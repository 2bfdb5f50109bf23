package org.tabserve.model.answer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The type of an answer field's value ({@link AnswerField#type}), from a small sealed set: text, a number, a flag, a
 * list of texts, numbers named by a list of names, a struct of named members, or a list of such structs. Java 17 has no
 * pattern-matching switch, so a writer switches over its {@link #kind()} in a switch <em>expression</em>, which the
 * compiler checks names every {@link Kind}, and casts to the kind's record (the sealed set makes each kind one record).
 */
public sealed interface FieldType {

    /** The kinds of types and values, one a record of {@link FieldType} and of {@link FieldValue}. */
    enum Kind {
        TEXT,
        NUMBER,
        FLAG,
        TEXTS,
        NAMED_NUMBERS,
        STRUCT,
        RECORDS
    }

    /** @return which of the sealed set it is */
    Kind kind();

    /**
     * @return the type as {@code /api/model} gives it: its {@code type} (text, number, integer, flag, texts,
     *         named_numbers, struct, records), a named number's {@code names} where they are known, a struct's or a
     *         record's {@code members} (each its name, type and whether a row may leave it out)
     */
    default Map<String, Object> describe() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(
                "type",
                switch (kind()) {
                    case TEXT -> "text";
                    case NUMBER -> ((Number) this).whole() ? "integer" : "number";
                    case FLAG -> "flag";
                    case TEXTS -> "texts";
                    case NAMED_NUMBERS -> "named_numbers";
                    case STRUCT -> "struct";
                    case RECORDS -> "records";
                });
        if (this instanceof NamedNumbers named && named.names() != null) {
            json.put("names", named.names());
        }
        Struct struct = this instanceof Records records ? records.of() : this instanceof Struct s ? s : null;
        if (struct != null) {
            List<Map<String, Object>> members = new ArrayList<>();
            for (Member member : struct.members()) {
                Map<String, Object> described = new LinkedHashMap<>();
                described.put("name", member.name());
                described.putAll(member.type().describe());
                described.put("optional", member.optional());
                members.add(described);
            }
            json.put("members", members);
        }
        return json;
    }

    /** A text. */
    FieldType TEXT = new Text();
    /** A real number. */
    FieldType NUMBER = new Number(false);
    /** A whole number. */
    FieldType WHOLE = new Number(true);
    /** A flag. */
    FieldType FLAG = new Flag();
    /** A list of texts. */
    FieldType TEXTS = new Texts();

    /** A text. */
    record Text() implements FieldType {
        @Override
        public Kind kind() {
            return Kind.TEXT;
        }
    }

    /** @param whole whether it is a whole number (a count), else a real number */
    record Number(boolean whole) implements FieldType {
        @Override
        public Kind kind() {
            return Kind.NUMBER;
        }
    }

    /** True or false. */
    record Flag() implements FieldType {
        @Override
        public Kind kind() {
            return Kind.FLAG;
        }
    }

    /** A list of texts, in order (a prediction set's labels). */
    record Texts() implements FieldType {
        @Override
        public Kind kind() {
            return Kind.TEXTS;
        }
    }

    /**
     * Numbers each named (a classifier's probability of each class, an explanation's contribution of each column).
     *
     * @param names the names in order, or null where only each row knows them
     */
    record NamedNumbers(List<String> names) implements FieldType {
        @Override
        public Kind kind() {
            return Kind.NAMED_NUMBERS;
        }

        public NamedNumbers {
            names = names == null ? null : List.copyOf(names);
        }
    }

    /**
     * Named members in order.
     *
     * @param members each member's name, type and whether a row may leave it out
     */
    record Struct(List<Member> members) implements FieldType {
        @Override
        public Kind kind() {
            return Kind.STRUCT;
        }

        public Struct {
            members = List.copyOf(members);
        }
    }

    /** @param of the type of each struct in the list */
    record Records(Struct of) implements FieldType {
        @Override
        public Kind kind() {
            return Kind.RECORDS;
        }
    }

    /**
     * One member of a {@link Struct}.
     *
     * @param name     its name
     * @param type     its type
     * @param optional whether a row's value may leave it out
     */
    record Member(String name, FieldType type, boolean optional) {
        /** @return a member every row has */
        public static Member of(String name, FieldType type) {
            return new Member(name, type, false);
        }

        /** @return a member a row may leave out */
        public static Member optional(String name, FieldType type) {
            return new Member(name, type, true);
        }
    }
}
