package org.tabserve.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.tabserve.cardmaking.CardBesideFile;
import org.tabserve.model.Model;
import org.tabserve.model.ModelFormat;
import org.tabserve.model.card.CardKeys;
import org.tabserve.model.loading.CardBeside;
import org.tabserve.model.loading.ModelLoader;
import org.tabserve.model.signature.ModelException;

/**
 * The {@code card} command's output for a model whose file carries no card inside (an XGBoost or LightGBM file, an
 * MLflow directory): the model copied byte for byte to {@code --out}, never changed, with its card beside the copy
 * ({@link CardBeside}); the options that rewrite an ONNX graph's metadata are refused, since the file names its
 * features and routes a missing value itself.
 */
final class NativeCardOut {

    private NativeCardOut() {}

    /** Refuses the options that rewrite an ONNX graph's metadata. */
    static void refuseOnnxOptions(String command, Options options) {
        if (options.get(NameOptions.FEATURE_NAMES).isPresent()) {
            throw CommandException.usage(command + ": --" + NameOptions.FEATURE_NAMES + " names the columns of an ONNX"
                    + " graph's input; an XGBoost or LightGBM file names its features itself, and the data's columns"
                    + " must be those names");
        }
        if (options.get(CardMissing.OPTION).isPresent()) {
            throw CommandException.usage(command + ": --" + CardMissing.OPTION + " is for an ONNX graph; every number"
                    + " of an XGBoost or LightGBM model takes a missing value already, routed by its trees");
        }
        if (options.get(TextMissingAs.OPTION).isPresent()) {
            throw CommandException.usage(command + ": --" + TextMissingAs.OPTION + " is for an ONNX graph; an XGBoost"
                    + " or LightGBM model takes a missing category already, routed by its trees");
        }
    }

    /** Refuses an output that would change the input model or its card, or replace a file without --force. */
    static void checkOut(String command, Path model, Path target, boolean force) {
        Path input = model.toAbsolutePath().normalize();
        Path out = target.toAbsolutePath().normalize();
        if (Files.isDirectory(model)) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw CommandException.refused(command + ": --out " + target + " exists; the copy of a model"
                        + " directory is written to a new folder");
            }
            if (out.startsWith(input)) {
                throw CommandException.refused(command + ": --out " + target + " is inside the input model's"
                        + " directory, which is never changed; write the copy elsewhere");
            }
            return;
        }
        Path card = CardBeside.of(out);
        if (out.equals(CardBeside.of(input)) || card.equals(CardBeside.of(input))) {
            throw CommandException.refused(command + ": --out " + target + " would replace the input model's card "
                    + CardBeside.of(input) + ", which is never changed; write the copy to another folder or name");
        }
        if (Files.exists(card, LinkOption.NOFOLLOW_LINKS) && !force) {
            throw CommandException.refused(command + ": " + card + " exists; pass --force to replace it");
        }
        if (Files.exists(card, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(card, LinkOption.NOFOLLOW_LINKS)) {
            throw CommandException.refused(command + ": " + card + " is not a regular file; it is never replaced");
        }
    }

    /** Refuses a model directory whose model is an ONNX file: its card is that file's metadata. */
    static void refuseOnnxInside(String command, Path modelFile, Model model) {
        if (model.format().name().equals(ModelFormat.ONNX)) {
            throw CommandException.refused(command + ": " + modelFile + " is an MLflow model of the ONNX flavor, whose"
                    + " card is the ONNX file's metadata; run card on its ONNX file (" + model.source() + ")");
        }
    }

    /** The card's entries alone: a native model's card also shows its file's facts, which the file gives itself. */
    static Map<String, String> entries(Map<String, String> card) {
        Map<String, String> entries = new java.util.LinkedHashMap<>(card);
        entries.keySet().removeIf(key -> !key.startsWith(CardKeys.PREFIX));
        return entries;
    }

    /**
     * Writes the copy and its card, then loads the copy as the server would; a card the server would refuse is not
     * left behind (nor the copy).
     */
    static void write(String command, Path model, Map<String, String> card, Path target, boolean force)
            throws IOException {
        boolean directory = Files.isDirectory(model);
        try {
            if (directory) {
                CardBesideFile.writeDirectory(model, card, target);
            } else {
                CardBesideFile.writeFile(model, card, target, force);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw CommandException.refused(command + ": " + e.getFile() + " exists; pass --force to replace it");
        } catch (IllegalArgumentException e) {
            throw CommandException.refused(command + ": cannot copy " + model + ": " + e.getMessage());
        }
        try (Model written = ModelLoader.load(target)) {
            written.card(); // loaded: the card was read and checked against the model
        } catch (ModelException e) {
            if (directory) {
                CardBesideFile.deleteTree(target); // the folder this command made
            } else {
                Files.deleteIfExists(CardBeside.of(target));
                Files.deleteIfExists(target);
            }
            throw CommandException.refused(command + ": the card written is not one the server reads, so it was removed"
                    + " (a bug; please report it): " + e.getMessage());
        }
    }
}
