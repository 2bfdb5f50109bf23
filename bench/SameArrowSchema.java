import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The schema half of bench/same-answers' Arrow comparison (bench/same_answers.py compares every byte after the schema
 * message): reads each pair of answers' schemas with Arrow Java and checks that their fields (names, types,
 * nullability, children, field metadata) are equal and that their schema metadata differs by the new
 * tabserve.model_sha256 alone, set to the served file's SHA-256. Input: a file of lines "OLD NEW SHA256 NAME...".
 * java --add-opens=java.base/java.nio=ALL-UNNAMED -cp 'target/tabserve/WEB-INF/lib/*' bench/SameArrowSchema.java LIST
 */
public class SameArrowSchema {
    public static void main(String[] args) throws Exception {
        int pairs = 0;
        int differ = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(" ", 4);
            Schema old = schema(Path.of(parts[0]));
            Schema now = schema(Path.of(parts[1]));
            Map<String, String> rest = new HashMap<>(now.getCustomMetadata());
            String sha = rest.remove("tabserve.model_sha256");
            List<String> problems = new ArrayList<>();
            if (!old.getFields().equals(now.getFields())) {
                problems.add("fields " + old.getFields() + " / " + now.getFields());
            }
            if (!old.getCustomMetadata().equals(rest)) {
                problems.add("metadata " + old.getCustomMetadata() + " / " + now.getCustomMetadata());
            }
            if (!parts[2].equals(sha)) {
                problems.add("tabserve.model_sha256 " + sha + ", not the file's " + parts[2]);
            }
            pairs++;
            if (problems.isEmpty()) {
                System.out.println(
                        "same Arrow schema " + parts[3] + " (" + old.getFields().size() + " fields, metadata "
                                + old.getCustomMetadata() + " + tabserve.model_sha256)");
            } else {
                differ++;
                System.out.println("DIFF Arrow schema " + parts[3] + ": " + String.join("; ", problems));
            }
        }
        System.out.println("compared " + pairs + " Arrow schemas: " + differ + " differ");
        System.exit(differ == 0 ? 0 : 1);
    }

    private static Schema schema(Path file) throws Exception {
        try (RootAllocator allocator = new RootAllocator();
                InputStream in = Files.newInputStream(file);
                ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
            return reader.getVectorSchemaRoot().getSchema();
        }
    }
}
