import java.io.BufferedReader;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes a CSV of numbers as an Arrow IPC stream of float64 columns, in record batches of 65,536 rows, with Arrow
 * Java's own writer (as a client would): java --add-opens=java.base/java.nio=ALL-UNNAMED -cp
 * 'target/tabserve/WEB-INF/lib/*' bench/ArrowFile.java IN.csv OUT.arrows [columns to keep, default all].
 */
public class ArrowFile {
    public static void main(String[] args) throws Exception {
        try (BufferedReader in = Files.newBufferedReader(Path.of(args[0]));
                RootAllocator allocator = new RootAllocator();
                OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            String[] header = in.readLine().split(",");
            int columns = args.length > 2 ? Integer.parseInt(args[2]) : header.length;
            List<Field> fields = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                fields.add(Field.nullable(header[c], new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)));
            }
            try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
                    ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
                writer.start();
                int rows = 0;
                root.allocateNew();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] cells = line.split(",");
                    for (int c = 0; c < columns; c++) {
                        ((Float8Vector) root.getVector(c)).setSafe(rows, Double.parseDouble(cells[c]));
                    }
                    if (++rows == 65_536) {
                        root.setRowCount(rows);
                        writer.writeBatch();
                        root.allocateNew();
                        rows = 0;
                    }
                }
                if (rows > 0) {
                    root.setRowCount(rows);
                    writer.writeBatch();
                }
                writer.end();
            }
        }
    }
}
