package dev.glassbox.app.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import dev.glassbox.engine.io.AtomicFile;
import dev.glassbox.engine.io.Json;
import dev.glassbox.engine.io.ModelFiles;

/**
 * Gets a model by name into the Hugging Face cache: lists the repository, picks the files Glassbox needs
 * ({@link FileChoice}), checks the free disk space, then fetches each file into {@code blobs/<etag>.incomplete},
 * resuming a partial one with a Range request, verifies it (sha256 of an LFS file, the git blob id of another) and
 * moves it into {@code blobs/<etag>} atomically before linking it into the snapshot. A file whose bytes do not match
 * is deleted (its bytes so far cannot be told apart from the bad ones), so nothing unverified ever reaches blobs/;
 * an interrupted or cancelled one keeps its {@code .incomplete} to resume from: those bytes came from the same
 * etag, and the full hash is checked once it is complete.
 */
public final class HubPull {
    /** How often progress is reported at most. */
    private static final long REPORT_NANOS = 100_000_000L;
    private static final int ATTEMPTS = 3;

    /** Where a pull is: bytes done of the total over all files, the file being fetched, and the recent speed (0: not known yet). */
    public record Transfer(String file, long done, long total, double bytesPerSecond) {
        /** Seconds until done at the recent speed; NaN while the speed is not known ({@link TransferRate}). */
        public double secondsLeft() {
            return bytesPerSecond > 0 ? (total - done) / bytesPerSecond : Double.NaN;
        }

        /**
         * "file: 1.2 MB of 3.4 MB, 2.0 MB/s, 0:01 left" in {@code locale}; "file: 1.2 MB of 3.4 MB" while the speed is
         * not known.
         */
        public String text(java.util.Locale locale) {
            String name = file == null ? "" : file;
            return bytesPerSecond > 0
                    ? dev.glassbox.visuals.i18n.I18n.text(locale, "hub.progress", name, ByteSize.format(done),
                            ByteSize.format(total), ByteSize.format(Math.round(bytesPerSecond)), clock(secondsLeft()))
                    : dev.glassbox.visuals.i18n.I18n.text(locale, "progress.count", name, ByteSize.format(done),
                            ByteSize.format(total));
        }

        /** h:mm:ss or m:ss; "?" when unknown. */
        static String clock(double seconds) {
            if (!Double.isFinite(seconds)) return "?";
            long s = Math.round(seconds);
            return s >= 3600 ? String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                    : String.format(java.util.Locale.ROOT, "%d:%02d", s / 60, s % 60);
        }
    }

    @FunctionalInterface
    public interface Listener {
        void update(Transfer t);
    }

    private final HubClient client;
    private final HubCache cache;

    public HubPull(HubEnvironment env) {
        this.client = new HubClient(env);
        this.cache = new HubCache(env.cache());
    }

    public HubCache cache() { return cache; }

    /** The GGUF files {@code repo} offers (the dialog's choice), sorted. */
    public List<String> ggufFiles(RepoRef repo) throws IOException {
        return online(repo, () -> client.listing(repo)).files().stream().map(HubClient.RemoteFile::name)
                .filter(n -> n.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")).sorted().toList();
    }

    /**
     * Downloads what Glassbox needs of {@code repo} ({@code filePattern} choosing a GGUF file, may be null) and returns
     * what to open: the snapshot folder, or the GGUF file in it. Throws {@link HubException} with a sentence saying
     * why it cannot (a {@link HubException.ChooseFile} when a GGUF must be chosen) and CancellationException when
     * {@code cancelled} turns true.
     */
    public Path pull(RepoRef repo, String filePattern, Listener listener, BooleanSupplier cancelled) throws IOException {
        cache.requireLayout(repo);
        HubClient.Listing listing = online(repo, () -> client.listing(repo));
        FileChoice choice = FileChoice.of(repo, listing, filePattern);
        Set<String> names = new LinkedHashSet<>();
        switch (choice) {
            case FileChoice.Gguf g -> names.add(g.file());
            case FileChoice.Folder f -> {
                names.addAll(f.files());
                if (names.contains(FileChoice.INDEX)) {
                    names.addAll(shards(repo, listing));
                }
            }
        }
        List<HubClient.RemoteFile> files = new ArrayList<>();
        for (String n : names) {
            files.add(listing.file(n).orElseThrow(() -> new HubException("hub.noFile", repo.id(), n)));
        }
        requireSpace(repo, files);
        cache.writeRef(repo, listing.commit());
        Progress progress = new Progress(listener, files.stream().mapToLong(f -> Math.max(0, f.size())).sum());
        for (HubClient.RemoteFile f : files) {
            if (cancelled.getAsBoolean()) throw new CancellationException();
            HubClient.FileMeta meta = online(repo, () -> client.head(repo, listing.commit(), f.name()));
            if (!meta.etag().equals(f.etag()) || meta.size() >= 0 && meta.size() != f.size()) {
                throw new HubException("hub.metadataDisagrees", f.name(), repo.id());
            }
            fetch(repo, f, meta, progress, cancelled);
            cache.link(repo, listing.commit(), f.name(), f.etag());
        }
        progress.report(null, true);
        Path snapshot = cache.snapshot(repo, listing.commit());
        return choice instanceof FileChoice.Gguf g ? snapshot.resolve(g.file()) : snapshot;
    }

    /** The shard files the safetensors index names (plain file names only: the index is data from the network). */
    private List<String> shards(RepoRef repo, HubClient.Listing listing) throws IOException {
        byte[] index = online(repo, () -> client.small(repo, listing.commit(), FileChoice.INDEX, ModelFiles.MAX_JSON_BYTES));
        JsonNode map;
        try {
            map = Json.MAPPER.readTree(index).path("weight_map");
        } catch (IOException e) {
            throw new HubException("hub.badIndex", repo.id());
        }
        Set<String> shards = new LinkedHashSet<>();
        map.forEach(v -> shards.add(v.asText()));
        for (String s : shards) {
            if (s.isEmpty() || s.contains("/") || s.contains("\\") || s.startsWith(".") || !s.endsWith(".safetensors")) {
                throw new HubException("hub.badIndex", repo.id());
            }
        }
        if (shards.isEmpty()) throw new HubException("hub.badIndex", repo.id());
        return List.copyOf(shards);
    }

    /** Fails before any download when the bytes still to fetch do not fit the cache's disk. */
    private void requireSpace(RepoRef repo, List<HubClient.RemoteFile> files) throws IOException {
        long need = 0;
        for (HubClient.RemoteFile f : files) {
            if (f.etag() == null || f.size() < 0) throw new HubException("hub.noChecksum", f.name());
            if (Files.isRegularFile(cache.blob(repo, f.etag()))) continue;
            Path part = cache.incomplete(repo, f.etag());
            need += f.size() - (Files.isRegularFile(part) ? Math.min(f.size(), Files.size(part)) : 0);
        }
        Path existing = cache.root();
        while (!Files.exists(existing) && existing.getParent() != null) {
            existing = existing.getParent();
        }
        long free = Files.getFileStore(existing).getUsableSpace();
        if (need > free) {
            throw new HubException("hub.noSpace", repo.id(), ByteSize.format(need), ByteSize.format(free), cache.root());
        }
    }

    private void fetch(RepoRef repo, HubClient.RemoteFile f, HubClient.FileMeta meta, Progress progress,
            BooleanSupplier cancelled) throws IOException {
        Path blob = cache.blob(repo, f.etag());
        if (Files.isRegularFile(blob) && Files.size(blob) == f.size()) {
            progress.skip(f.size()); // already in the cache (from Glassbox or from Python): trusted as huggingface_hub does
            return;
        }
        Path lockFile = cache.lockFile(repo, f.etag());
        Files.createDirectories(lockFile.getParent());
        Files.createDirectories(blob.getParent());
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockChannel.tryLock()) {
            if (lock == null) throw new HubException("hub.busy", f.name());
            Path part = cache.incomplete(repo, f.etag());
            for (int attempt = 1; ; attempt++) {
                long before = Files.isRegularFile(part) ? Files.size(part) : 0;
                try {
                    transfer(repo, f, meta, part, progress, cancelled);
                    break;
                } catch (Dropped d) {
                    // a dropped connection: try again from where it stopped while it keeps making headway
                    if (attempt >= ATTEMPTS || d.at <= before) {
                        throw new HubException("hub.interrupted", f.name(), ByteSize.format(d.at), ByteSize.format(f.size()));
                    }
                }
            }
            verify(f, part);
            try (FileChannel c = FileChannel.open(part, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            AtomicFile.move(part, blob);
        }
    }

    /** The connection ended at byte {@code at} before the file was complete. */
    private static final class Dropped extends IOException {
        final long at;

        Dropped(long at) {
            this.at = at;
        }
    }

    /** Brings {@code part} to the file's full size, appending from its current length when the server allows. */
    private void transfer(RepoRef repo, HubClient.RemoteFile f, HubClient.FileMeta meta, Path part, Progress progress,
            BooleanSupplier cancelled) throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > f.size()) {
            Files.delete(part);
            have = 0;
        }
        progress.startFile(f.name(), have);
        if (have == f.size()) return;
        HttpResponse<InputStream> r = client.get(repo, f.name(), meta.location(), have);
        if (r.statusCode() == 416) { // the server does not have the range: start over
            r.body().close();
            have = 0;
            progress.startFile(f.name(), 0);
            r = client.get(repo, f.name(), meta.location(), 0);
        }
        boolean append = have > 0 && r.statusCode() == 206 && rangeStart(r) == have;
        if (!append && have > 0) {
            have = 0; // the server sent the whole file instead
            progress.startFile(f.name(), 0);
        }
        long pos = have;
        try (InputStream in = r.body();
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] buf = new byte[1 << 16];
            while (true) {
                if (cancelled.getAsBoolean()) throw new CancellationException();
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    // Cancel interrupts a read that waits on a stalled connection: stop, do not retry
                    if (cancelled.getAsBoolean()) throw new CancellationException();
                    throw new Dropped(pos);
                }
                if (n < 0) break;
                if (pos + n > f.size()) {
                    out.close();
                    Files.deleteIfExists(part);
                    throw new HubException("hub.tooLong", f.name(), ByteSize.format(f.size()));
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) out.write(b);
                pos += n;
                progress.add(n);
            }
        }
        if (pos < f.size()) throw new Dropped(pos);
    }

    private static long rangeStart(HttpResponse<?> r) {
        // Content-Range: bytes START-END/TOTAL
        String cr = r.headers().firstValue("Content-Range").orElse("");
        try {
            return Long.parseLong(cr.substring(cr.indexOf(' ') + 1, cr.indexOf('-')).strip());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The file's hash as the Hub states it: sha256 for LFS files, else the git blob id sha1("blob N\0" + bytes). */
    private static void verify(HubClient.RemoteFile f, Path part) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(f.sha256() != null ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (f.sha256() == null) {
            md.update(("blob " + f.size() + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        try (FileChannel c = FileChannel.open(part, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(1 << 20);
            while (c.read(b.clear()) > 0) {
                md.update(b.flip());
            }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equalsIgnoreCase(f.etag())) {
            Files.deleteIfExists(part);
            throw new HubException("hub.checksum", f.name(), f.etag(), actual);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IOException;
    }

    /** Runs a request; an unreachable hub becomes the offline message listing what the cache holds of {@code repo}. */
    private <T> T online(RepoRef repo, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (HubClient.Unreachable e) {
            List<HubCache.Snapshot> snaps = cache.snapshots(repo);
            String host = client.environment().endpoint().toString();
            if (snaps.isEmpty()) {
                throw new HubException("hub.offlineNothing", host, repo.id(), cache.root());
            }
            String cached = snaps.stream().map(s -> (s.refs().isEmpty() ? "" : String.join(", ", s.refs()) + " \u2192 ")
                    + s.commit().substring(0, 10) + " (" + String.join(", ", s.files()) + ")").collect(Collectors.joining("; "));
            throw new HubException("hub.offlineCached", host, repo.id(), cached, cache.repoFolder(repo));
        }
    }

    /** Counts bytes over all files and reports at most every 100 ms. */
    private static final class Progress {
        private final Listener listener;
        private final long total;
        private final TransferRate rate = new TransferRate();
        private long doneBefore; // bytes of finished files
        private long fileDone; // bytes of the current file
        private long fetched; // bytes that came over the network in this pull (for the speed)
        private String file;
        private long lastReport;

        Progress(Listener listener, long total) {
            this.listener = listener;
            this.total = total;
        }

        void skip(long bytes) {
            doneBefore += fileDone + bytes;
            fileDone = 0;
            report(file, true);
        }

        void startFile(String name, long have) {
            if (!name.equals(file)) {
                doneBefore += fileDone;
            }
            file = name;
            fileDone = have;
            report(name, true);
        }

        void add(long n) {
            fileDone += n;
            fetched += n;
            report(file, false);
        }

        void report(String name, boolean now) {
            long t = System.nanoTime();
            if (!now && t - lastReport < REPORT_NANOS) return;
            lastReport = t;
            rate.sample(t, fetched);
            long done = name == null ? total : doneBefore + fileDone;
            listener.update(new Transfer(name, Math.min(done, total), total, rate.bytesPerSecond(t)));
        }
    }
}
