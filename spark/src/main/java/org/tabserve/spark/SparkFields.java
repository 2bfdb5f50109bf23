package org.tabserve.spark;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.tabserve.model.answer.FieldType;
import org.tabserve.model.answer.FieldValue;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Spark's type and value of an answer field Spark's struct has no spelling of its own for, from the field's type
 * ({@link FieldType}) and value ({@link FieldValue}): text a string, a number a double (a whole one a long), a flag a
 * boolean, texts an array of strings, named numbers a struct of doubles (a map where only each row knows the names),
 * a struct a struct, records an array of structs.
 */
final class SparkFields {

    private SparkFields() {}

    /** @return Spark's type of a value of {@code type} */
    static DataType type(FieldType type) {
        return switch (type.kind()) {
            case TEXT -> DataTypes.StringType;
            case NUMBER -> ((FieldType.Number) type).whole() ? DataTypes.LongType : DataTypes.DoubleType;
            case FLAG -> DataTypes.BooleanType;
            case TEXTS -> DataTypes.createArrayType(DataTypes.StringType);
            case NAMED_NUMBERS -> {
                List<String> names = ((FieldType.NamedNumbers) type).names();
                if (names == null) {
                    yield DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);
                }
                StructType struct = new StructType();
                for (String name : names) {
                    struct = struct.add(name, DataTypes.DoubleType);
                }
                yield struct;
            }
            case STRUCT -> struct((FieldType.Struct) type);
            case RECORDS -> DataTypes.createArrayType(struct(((FieldType.Records) type).of()));
        };
    }

    private static StructType struct(FieldType.Struct type) {
        StructType struct = new StructType();
        for (FieldType.Member member : type.members()) {
            struct = struct.add(member.name(), type(member.type()));
        }
        return struct;
    }

    /**
     * @param type  the field's type, which says how its named numbers are held
     * @param value a row's value of a field of {@code type}, or null
     * @return Spark's value of it, null for none
     */
    static Object value(FieldType type, FieldValue value) {
        if (value == null) {
            return null;
        }
        return switch (value.kind()) {
            case TEXT -> ((FieldValue.Text) value).text();
            case NUMBER -> {
                Number number = ((FieldValue.Number) value).number();
                yield number instanceof Double || number instanceof Float ? number.doubleValue() : number.longValue();
            }
            case FLAG -> ((FieldValue.Flag) value).flag();
            case TEXTS -> ((FieldValue.Texts) value).texts().toArray(new String[0]);
            case NAMED_NUMBERS -> {
                FieldValue.NamedNumbers named = (FieldValue.NamedNumbers) value;
                if (((FieldType.NamedNumbers) type).names() != null) {
                    yield RowFactory.create(named.numbers().toArray());
                }
                Map<String, Double> map = new LinkedHashMap<>();
                for (int i = 0; i < named.names().size(); i++) {
                    map.put(named.names().get(i), named.numbers().get(i));
                }
                yield CollectionConverters.asScala(map);
            }
            case STRUCT -> struct((FieldType.Struct) type, (FieldValue.Struct) value);
            case RECORDS -> {
                List<FieldValue.Struct> records = ((FieldValue.Records) value).records();
                Object[] rows = new Object[records.size()];
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = struct(((FieldType.Records) type).of(), records.get(i));
                }
                yield rows;
            }
        };
    }

    private static Object struct(FieldType.Struct type, FieldValue.Struct value) {
        Object[] members = new Object[type.members().size()];
        for (int m = 0; m < members.length; m++) {
            members[m] =
                    value(type.members().get(m).type(), value.members().get(m).value());
        }
        return RowFactory.create(members);
    }
}
