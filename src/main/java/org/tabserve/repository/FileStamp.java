package org.tabserve.repository;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What a scan remembers of a model file to tell whether it changed: its size, modification time and identity (the
 * inode on Unix, so a file renamed over another is seen as new even with the same size and time).
 *
 * @param fileKey the file system's identity of the file, or null where it has none
 */
record FileStamp(Path path, long size, FileTime modified, Object fileKey) {

    /** @throws IOException when the file cannot be read (gone since it was listed, or not allowed) */
    static FileStamp of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(file, attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
    }
}
