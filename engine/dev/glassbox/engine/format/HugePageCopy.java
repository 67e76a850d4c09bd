package dev.glassbox.engine.format;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Copies large weight files into anonymous memory backed by transparent huge pages (Linux), for throughput runs.
 *
 * <p>Decoding reads every weight once per token. From a file mapping that is a stream of 4 KiB pages: the
 * hardware prefetchers stop at every page boundary and each page costs a TLB miss. In 2 MiB pages the same stream
 * runs longer without either (stories110M at one thread: 3-15 % more tokens per second in alternating runs). The
 * price is the open: copying 440 MB took 0.4-1.6 s on the 2-core VM where mapping takes milliseconds, so the app
 * maps, and {@code bench} (which measures throughput) asks for the copy with {@code -Dglassbox.hugepages=true}.
 *
 * <p>Used only where it can work: that property set, Linux with transparent huge pages enabled ("always" or
 * "madvise"), files of at least {@link #MIN_BYTES}. Anything unexpected falls back to the file mapping, so
 * loading never fails because of this. The resident size stays the file's size.
 */
public final class HugePageCopy {
    /** The system property that asks for the copy ("true"); off by default. */
    public static final String PROPERTY = "glassbox.hugepages";
    /**
     * Below this the weights can stay in a last-level cache between tokens and the copy would only cost time. Files
     * larger than that cache stream from memory like the large ones: the 61 MB stories15M checkpoint (32 MB L3 on
     * the Zen 4 build machine) read its whole stream ~25 % faster from huge pages (small10, docs/PERFORMANCE.md).
     */
    public static final long MIN_BYTES = 32L << 20;
    private static final long HUGE_PAGE = 2L << 20;
    /**
     * Bytes mapped at a time while copying: the chunk's file pages and its copy are both resident until it is unmapped
     * (64 MB chunks put a whole 61 MB stories15M file in twice: bench's peak RSS 186 MiB instead of 152; small10).
     */
    private static final long CHUNK = 8L << 20;
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    private HugePageCopy() {
    }

    /** The file copied into huge pages, or empty where that is not possible or not worth it. */
    public static Optional<MemorySegment> read(Path file) {
        try {
            long size = Files.size(file);
            if (size < MIN_BYTES || !enabled()) {
                return Optional.empty();
            }
            MemorySegment copy = allocate(size);
            // copied from a mapping one chunk at a time (unmapped after each), so at most a chunk more than the
            // weights is resident; a plain read() into the new pages measured several times slower here
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                for (long at = 0; at < size; at += CHUNK) {
                    long n = Math.min(CHUNK, size - at);
                    try (Arena chunk = Arena.ofConfined()) {
                        MemorySegment.copy(ch.map(FileChannel.MapMode.READ_ONLY, at, n, chunk), 0, copy, at, n);
                    }
                }
            }
            return Optional.of(copy);
        } catch (Throwable e) {
            return Optional.empty();
        }
    }

    static boolean enabled() {
        if (Boolean.getBoolean(PROPERTY) && System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                return thpAvailable(Files.readString(THP_MODE));
            } catch (IOException | SecurityException e) {
                return false;
            }
        }
        return false;
    }

    /** True when the kernel's THP setting (e.g. "always [madvise] never") selects always or madvise. */
    static boolean thpAvailable(String mode) {
        return mode.contains("[always]") || mode.contains("[madvise]");
    }

    /** Anonymous memory of {@code size} bytes starting on a 2 MiB boundary, advised to use huge pages. */
    private static MemorySegment allocate(long size) throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
        MethodHandle madvise = linker.downcallHandle(linker.defaultLookup().find("madvise").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_INT));
        MethodHandle munmap = linker.downcallHandle(linker.defaultLookup().find("munmap").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        long reserved = size + 2 * HUGE_PAGE; // room to start and end on 2 MiB boundaries
        MemorySegment base = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, reserved, PROT_READ_WRITE,
                MAP_PRIVATE_ANONYMOUS, -1, 0L);
        if (base.address() == -1L) {
            throw new IOException("mmap of " + reserved + " bytes failed");
        }
        long start = (base.address() + HUGE_PAGE - 1) & -HUGE_PAGE;
        long baseAddress = base.address();
        // a refusal only leaves ordinary pages
        int ignored = (int) madvise.invokeExact(MemorySegment.ofAddress(start), (size + HUGE_PAGE - 1) & -HUGE_PAGE,
                MADV_HUGEPAGE);
        // unmapped when the weights are no longer reachable (the arena is collected with them)
        return MemorySegment.ofAddress(start).reinterpret(size, Arena.ofAuto(), s -> {
            try {
                int unmapped = (int) munmap.invokeExact(MemorySegment.ofAddress(baseAddress), reserved);
            } catch (Throwable e) {
                // nothing to do: the process keeps the pages
            }
        });
    }
}
