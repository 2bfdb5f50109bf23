package org.tabserve.model.answer;

import java.util.List;

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
