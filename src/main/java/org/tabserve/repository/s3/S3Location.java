package org.tabserve.repository.s3;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An {@code s3://BUCKET/PREFIX} location as a user gives it, read strictly: a bucket name by S3's rules and a prefix
 * of key segments, so that nothing odd reaches a request or the cache's path.
 *
 * @param bucket the bucket
 * @param prefix the keys' common start, empty or ending in {@code /}
 */
public record S3Location(String bucket, String prefix) {

    /** The scheme of a location the repository reads from S3. */
    public static final String SCHEME = "s3://";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    /** @return whether {@code location} names an S3 location rather than a local path */
    public static boolean isS3(String location) {
        return location != null && location.strip().toLowerCase(Locale.ROOT).startsWith(SCHEME);
    }

    /**
     * @throws IllegalArgumentException naming what is wrong, for a location that is not {@code s3://BUCKET[/PREFIX]}
     */
    public static S3Location parse(String location) {
        String text = location.strip();
        if (!isS3(text)) {
            throw new IllegalArgumentException("an object store location starts with s3://, got '" + shown(text) + "'");
        }
        String rest = text.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("'" + shown(bucket) + "' is not a bucket name: 3 to 63 lower-case"
                    + " letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        if (!prefix.isEmpty()) {
            String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            for (String segment : trimmed.split("/", -1)) {
                if (!SEGMENT.matcher(segment).matches()) {
                    throw new IllegalArgumentException("the prefix of s3://" + bucket + "/" + shown(prefix)
                            + " has a part '" + shown(segment) + "' that is not letters, digits, '.', '_' and '-'"
                            + " starting with a letter or digit");
                }
            }
            prefix = trimmed + "/";
        }
        return new S3Location(bucket, prefix);
    }

    /** @return the location as a user reads it, {@code s3://bucket/prefix/} */
    @Override
    public String toString() {
        return SCHEME + bucket + "/" + prefix;
    }

    /** {@code text} made safe to show: printable ASCII only, at most 200 characters. */
    static String shown(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 200; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 200 ? out + "..." : out.toString();
    }
}
