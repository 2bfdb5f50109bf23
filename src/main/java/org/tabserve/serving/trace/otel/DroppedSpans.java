package org.tabserve.serving.trace.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Counts the spans the batch processor drops (its queue full): the one figure of the SDK's own metrics the server
 * shows, taken from its {@code processedSpans} counter ({@code dropped=true}) through the metrics API alone, without
 * the SDK's metrics; every other instrument it makes is a no-op.
 */
final class DroppedSpans implements MeterProvider {

    private static final AttributeKey<Boolean> DROPPED = AttributeKey.booleanKey("dropped");
    private static final Meter NOOP = MeterProvider.noop().get("noop");

    private final AtomicLong dropped = new AtomicLong();

    /** @return the spans dropped so far */
    long count() {
        return dropped.get();
    }

    @Override
    public MeterBuilder meterBuilder(String name) {
        return new MeterBuilder() {
            @Override
            public MeterBuilder setSchemaUrl(String url) {
                return this;
            }

            @Override
            public MeterBuilder setInstrumentationVersion(String version) {
                return this;
            }

            @Override
            public Meter build() {
                return new Counting();
            }
        };
    }

    /** A meter whose {@code processedSpans} counter counts the dropped ones. */
    private final class Counting implements Meter {
        @Override
        public LongCounterBuilder counterBuilder(String name) {
            LongCounterBuilder noop = NOOP.counterBuilder(name);
            if (!name.equals("processedSpans")) {
                return noop;
            }
            return new LongCounterBuilder() {
                @Override
                public LongCounterBuilder setDescription(String description) {
                    return this;
                }

                @Override
                public LongCounterBuilder setUnit(String unit) {
                    return this;
                }

                @Override
                public DoubleCounterBuilder ofDoubles() {
                    return noop.ofDoubles();
                }

                @Override
                public LongCounter build() {
                    return new LongCounter() {
                        @Override
                        public void add(long value) {}

                        @Override
                        public void add(long value, Attributes attributes) {
                            if (Boolean.TRUE.equals(attributes.get(DROPPED))) {
                                dropped.addAndGet(value);
                            }
                        }

                        @Override
                        public void add(long value, Attributes attributes, Context context) {
                            add(value, attributes);
                        }
                    };
                }

                @Override
                public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
                    return noop.buildWithCallback(callback);
                }
            };
        }

        @Override
        public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
            return NOOP.upDownCounterBuilder(name);
        }

        @Override
        public DoubleHistogramBuilder histogramBuilder(String name) {
            return NOOP.histogramBuilder(name);
        }

        @Override
        public DoubleGaugeBuilder gaugeBuilder(String name) {
            return NOOP.gaugeBuilder(name);
        }
    }
}
