package dev.syrup.node;

import dev.syrup.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One JSON file per deployment under the state directory, written atomically. */
final class RecordStore {
    private final Path dir;

    RecordStore(Path stateDir) {
        this.dir = stateDir.resolve("deployments");
        try {
            Files.createDirectories(dir);
            // Records name owners, cgroups and pods: only syrupd reads them.
            Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("creating " + dir, e);
        }
    }

    void save(DeploymentRecord r) {
        Path tmp = dir.resolve(r.id() + ".json.tmp");
        try {
            Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), r);
            Files.move(tmp, dir.resolve(r.id() + ".json"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("saving the record of deployment " + r.id(), e);
        }
    }

    /** The record of one deployment, if there is a readable one. */
    Optional<DeploymentRecord> get(String id) {
        Path f = dir.resolve(id + ".json");
        try {
            return Files.exists(f) ? Optional.of(Json.MAPPER.readValue(f.toFile(), DeploymentRecord.class))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException("deleting the record of deployment " + id, e);
        }
    }

    /** Every readable record; unreadable files are reported in problems and removed. */
    List<DeploymentRecord> loadAll(List<String> problems) {
        List<DeploymentRecord> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    out.add(Json.MAPPER.readValue(f.toFile(), DeploymentRecord.class));
                } catch (IOException e) {
                    problems.add("unreadable record " + f.getFileName() + " removed: " + e.getMessage());
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + dir, e);
        }
        return out;
    }
}
