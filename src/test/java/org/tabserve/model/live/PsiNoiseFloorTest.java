package org.tabserve.model.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tabserve.model.Model;
import org.tabserve.model.onnx.OnnxModelLoader;
import org.tabserve.model.signature.Batch;

/**
 * PSI's noise floor: what a live profile scores when its values are drawn from the training distribution itself, so
 * that there is no drift at all. On the bundled bank-note model's card (four inputs, 16 bins each), for n values per
 * input, the mean PSI over many seeded draws is about (bins − 1) / n, PSI being about the chi-square statistic over n,
 * once every bin expects a few values; at fewer values the empty bins (each floored at {@link Psi#EPSILON}) make it
 * larger still. docs/operations.md quotes these figures: at 50 values undrifted inputs read "moderate" or "large" on the
 * conventional thresholds, which is why an input is scored only from {@link Psi#minValues} values on.
 */
class PsiNoiseFloorTest {

    private static final int DRAWS = 400;
    private static Model model;

    @BeforeAll
    static void load() {
        model = OnnxModelLoader.load(Path.of("model.onnx"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void psiOfTrainingDistributedValuesIsAboutBinsLessOneOverN() {
        List<LiveProfile.LiveFeature> features = profile().snapshot();
        for (int n : new int[] {1_000, 4_000}) {
            double[] mean = meanPsi(n, new Random(24));
            for (int f = 0; f < features.size(); f++) {
                double expected = (occupied(features.get(f)) - 1.0) / n;
                assertEquals(
                        expected,
                        mean[f],
                        0.15 * expected,
                        features.get(f).name() + " at n = " + n + ": " + Arrays.toString(mean));
            }
        }
    }

    /**
     * The figures behind {@link Psi#minValues}: at 50 values every undrifted
     * input reads moderate or worse on average; at 300 (20 × (16 − 1)) the mean is well under 0.1 and few draws reach it.
     */
    @Test
    void undriftedInputsReadModerateAtFiftyValuesAndSmallAtThreeHundred() {
        double[] atFifty = meanPsi(50, new Random(50));
        for (double psi : atFifty) {
            assertTrue(psi >= Psi.MODERATE, "mean PSI of undrifted values at 50: " + Arrays.toString(atFifty));
        }
        Random random = new Random(300);
        int over = 0;
        double sum = 0;
        for (int d = 0; d < DRAWS; d++) {
            for (double psi : draw(300, random)) {
                sum += psi;
                over += psi >= Psi.MODERATE ? 1 : 0;
            }
        }
        int scores = DRAWS * atFifty.length;
        assertTrue(sum / scores < 0.7 * Psi.MODERATE, "mean PSI of undrifted values at 300: " + sum / scores);
        assertTrue(over < 0.1 * scores, over + " of " + scores + " undrifted scores at 300 values were >= 0.1");
    }

    /**
     * At the fewest values the profile scores a 16-bin input on ({@link Psi#minValues}, 480), undrifted inputs average
     * under 1 / {@link Psi#VALUES_PER_BIN} and hardly any reach {@link Psi#MODERATE}; the profile scores them there
     * and not one value sooner.
     */
    @Test
    void atTheMinimumTheProfileScoresUndriftedInputsSmall() {
        int filled = occupied(profile().snapshot().get(0));
        int n = (int) Psi.minValues(filled);
        assertEquals(32 * (filled - 1), n, "the bank-note card's inputs fill their " + filled + " bins");
        Random random = new Random(n);
        int over = 0;
        double sum = 0;
        for (int d = 0; d < DRAWS; d++) {
            for (double psi : draw(n, random)) {
                assertFalse(Double.isNaN(psi), "scored at " + n + " values");
                sum += psi;
                over += psi >= Psi.MODERATE ? 1 : 0;
            }
        }
        int scores = DRAWS * model.signature().features().size();
        assertTrue(
                sum / scores < 1.2 / Psi.VALUES_PER_BIN, "mean PSI of undrifted values at " + n + ": " + sum / scores);
        assertTrue(over <= 0.01 * scores, over + " of " + scores + " undrifted scores at " + n + " values were >= 0.1");

        LiveProfile live = profile();
        double[][] rows = new double[n - 1][model.signature().features().size()];
        for (double[] row : rows) {
            Arrays.fill(row, 0.0);
        }
        live.record(Batch.ofNumbers(model.signature(), rows));
        assertTrue(Double.isNaN(live.snapshot().get(0).sinceStart().psi()), "no score at " + (n - 1) + " values");
    }

    /** Prints the table docs/operations.md quotes: mean and 95th percentile of PSI per n, over the four inputs. */
    @Test
    void theNoiseFloorTable() {
        List<LiveProfile.LiveFeature> features = profile().snapshot();
        StringBuilder table = new StringBuilder("n | (bins-1)/n | mean PSI | 95th percentile | share >= 0.1\n");
        for (int n : new int[] {50, 100, 200, 300, 500, 1_000}) {
            Random random = new Random(n);
            double[] all = new double[DRAWS * features.size()];
            for (int d = 0; d < DRAWS; d++) {
                double[] psi = draw(n, random);
                System.arraycopy(psi, 0, all, d * psi.length, psi.length);
            }
            Arrays.sort(all);
            double mean = Arrays.stream(all).average().orElseThrow();
            long over = Arrays.stream(all).filter(p -> p >= Psi.MODERATE).count();
            table.append(String.format(
                    "%d | %.3f | %.3f | %.3f | %.2f%n",
                    n,
                    (occupied(features.get(0)) - 1.0) / n,
                    mean,
                    all[(int) (0.95 * all.length)],
                    (double) over / all.length));
            assertTrue(mean > (occupied(features.get(0)) - 1.0) / n * 0.85, table.toString());
        }
        System.out.print(table);
    }

    private static LiveProfile profile() {
        return new LiveProfile(model.signature(), model.card(), () -> 0L);
    }

    /** Training bins with any count: an empty one is never drawn and adds nothing. */
    private static int occupied(LiveProfile.LiveFeature feature) {
        return (int) feature.training().stream().filter(c -> c > 0).count();
    }

    private static double[] meanPsi(int n, Random random) {
        double[] sum = new double[model.signature().features().size()];
        for (int d = 0; d < DRAWS; d++) {
            double[] psi = draw(n, random);
            for (int f = 0; f < sum.length; f++) {
                sum[f] += psi[f] / DRAWS;
            }
        }
        return sum;
    }

    /** n rows, each input's value drawn from its card histogram (a bin by its training share, at its middle). */
    private static double[] draw(int n, Random random) {
        LiveProfile live = profile();
        List<LiveProfile.LiveFeature> features = live.snapshot();
        double[][] rows = new double[n][features.size()];
        for (int f = 0; f < features.size(); f++) {
            List<Double> edges = features.get(f).edges();
            double[] cumulative = new double[features.get(f).training().size()];
            double total = 0;
            for (int b = 0; b < cumulative.length; b++) {
                total += features.get(f).training().get(b);
                cumulative[b] = total;
            }
            for (int r = 0; r < n; r++) {
                double u = random.nextDouble() * total;
                int bin = 0;
                while (cumulative[bin] <= u) {
                    bin++;
                }
                rows[r][f] = (edges.get(bin) + edges.get(bin + 1)) / 2;
            }
        }
        live.record(Batch.ofNumbers(model.signature(), rows));
        double[] psi = new double[features.size()];
        List<LiveProfile.LiveFeature> scored = live.snapshot();
        for (int f = 0; f < psi.length; f++) {
            LiveProfile.Window window = scored.get(f).sinceStart();
            // Below Psi.minValues the profile gives no score: the index of the same counts, as it would score them
            // (the draws fall inside the bins, so the out-of-range bins are empty).
            psi[f] = n >= Psi.minValues(occupied(scored.get(f)))
                    ? window.psi()
                    : Psi.of(
                            scored.get(f).training().stream()
                                    .mapToDouble(Double::doubleValue)
                                    .toArray(),
                            window.counts().stream().mapToLong(Long::longValue).toArray());
        }
        return psi;
    }
}
