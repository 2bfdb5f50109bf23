package org.tabserve.repository.s3;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * One download's end, on its own thread: the object brought and checked ({@link CheckedDownload}) and recorded in the
 * cache's manifest at once, or a copy that served unchecked withdrawn when a digest its bytes do not match is
 * published; the manifest written whole after each change, under its own lock.
 */
final class DownloadRecorder {

    /** The mirror's logger, so that a download's end is told under the mirror's name. */
    private final System.Logger log;

    private final S3Location location;
    private final CheckedDownload checked;
    private final CacheFolder cache;
    private final Map<String, CacheFolder.Entry> manifest;

    /**
     * @param log      the mirror's logger
     * @param manifest the mirror's manifest, a map safe to read while downloads write it; writes lock it
     */
    DownloadRecorder(
            System.Logger log,
            S3Location location,
            CheckedDownload checked,
            CacheFolder cache,
            Map<String, CacheFolder.Entry> manifest) {
        this.log = log;
        this.location = location;
        this.checked = checked;
        this.cache = cache;
        this.manifest = manifest;
    }

    /** @return null when {@code path} is in place and recorded, else why not (on a download's own thread) */
    MirrorFailure download(
            String path,
            S3Objects.Listed object,
            Optional<S3Objects.Listed> digest,
            Optional<CacheFolder.Entry> have,
            boolean force,
            String signature) {
        CacheFolder.Entry entry;
        try {
            entry = checked.bring(path, object, digest, have, force, () -> withdraw(path));
        } catch (CheckedDownload.Refused e) {
            boolean abandoned = e.getMessage().contains("it was abandoned: ");
            return new MirrorFailure(
                    e.lasting ? signature : "", StoreListing.problem(location, path, e.getMessage()), abandoned);
        }
        synchronized (manifest) {
            manifest.put(path, entry);
            save();
        }
        log.log(
                System.Logger.Level.INFO,
                "Model store: {0}{1} downloaded ({2} bytes, sha256 {3}{4})",
                location,
                path,
                entry.size(),
                entry.sha256().substring(0, 12),
                entry.checked() ? ", as its " + ObjectKeys.DIGEST_SUFFIX + " says" : ", no digest published");
        return null;
    }

    /** Takes out a copy that served unchecked, now that a digest its bytes do not match is published beside it. */
    private void withdraw(String path) {
        try {
            cache.remove(path); // the file first: an entry without its file vouches for nothing at the next start
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Model cache: cannot remove " + path, e);
            return;
        }
        synchronized (manifest) {
            manifest.remove(path);
            save();
        }
        log.log(
                System.Logger.Level.WARNING,
                "Model store: {0}{1}: its bytes do not match the {2} now published beside them; withdrawn",
                location,
                path,
                ObjectKeys.DIGEST_SUFFIX);
    }

    /** Writes the manifest whole. */
    void save() {
        try {
            synchronized (manifest) {
                cache.writeManifest(manifest);
            }
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Model cache: cannot write its manifest", e);
        }
    }
}
