package org.tabserve.model.onnx.plain;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A run's wanted values by name, in the order they were asked for, over the compiled names and the run's array: a
 * read-only map that a run makes without hashing or an entry per value (a graph has a few outputs, found by a scan).
 */
final class PlainValues extends AbstractMap<String, PlainTensor> {

    private final List<String> names;
    private final PlainTensor[] values;

    /** @param values one per name, in order (null where none was made) */
    PlainValues(List<String> names, PlainTensor[] values) {
        this.names = names;
        this.values = values;
    }

    @Override
    public PlainTensor get(Object name) {
        int i = names.indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return names.contains(name);
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Set<Map.Entry<String, PlainTensor>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, PlainTensor>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Map.Entry<String, PlainTensor> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names.get(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
