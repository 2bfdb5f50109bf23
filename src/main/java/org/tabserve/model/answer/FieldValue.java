package org.tabserve.model.answer;

import java.util.List;

/**
 * One row's value of an answer field ({@link AnswerField#value}), of the sealed set {@link FieldType} names, so that a
 * writer that switches over it is checked by the compiler for every kind of value.
 */
public sealed interface FieldValue {

    /** @return which of the sealed set it is: {@link FieldType}'s kind of the same name */
    FieldType.Kind kind();

    /** @param text the text */
    record Text(String text) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.TEXT;
        }
    }

    /** @param number a {@link Double} for a real number, an {@link Integer} or {@link Long} for a whole one */
    record Number(java.lang.Number number) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.NUMBER;
        }
    }

    /** @param flag true or false */
    record Flag(boolean flag) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.FLAG;
        }
    }

    /** @param texts the texts, in order */
    record Texts(List<String> texts) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.TEXTS;
        }
    }

    /**
     * @param names   the names, in order
     * @param numbers the number of each name, in the names' order
     */
    record NamedNumbers(List<String> names, List<Double> numbers) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.NAMED_NUMBERS;
        }
    }

    /** @param members the members, in order; a member with a null value is left out */
    record Struct(List<Member> members) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.STRUCT;
        }
    }

    /** @param records the structs, in order */
    record Records(List<Struct> records) implements FieldValue {
        @Override
        public FieldType.Kind kind() {
            return FieldType.Kind.RECORDS;
        }
    }

    /**
     * @param name  the member's name
     * @param value its value, or null where the row leaves it out
     */
    record Member(String name, FieldValue value) {}

    /** @return {@code text} as a value, or null for null */
    static FieldValue text(String text) {
        return text == null ? null : new Text(text);
    }

    /** @return {@code number} as a value */
    static FieldValue number(double number) {
        return new Number(number);
    }

    /** @return {@code number} as a whole number's value */
    static FieldValue whole(long number) {
        return new Number(number);
    }

    /**
     * The part a table column holds ({@link AnswerColumn#part}): a named number's {@code part}-th number, a struct's
     * {@code part}-th member, else the value whole.
     *
     * @return that part, or null where the row leaves it out
     */
    default FieldValue part(int part) {
        return switch (kind()) {
            case NAMED_NUMBERS -> new Number(((NamedNumbers) this).numbers().get(part));
            case STRUCT -> ((Struct) this).members().get(part).value();
            case TEXT, NUMBER, FLAG, TEXTS, RECORDS -> this;
        };
    }
}
