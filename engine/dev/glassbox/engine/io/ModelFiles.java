package dev.glassbox.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import dev.glassbox.engine.io.Json;

/**
 * Guarded reads of the small files beside the weights (config.json, tokenizer files, text): only regular files
 * (a FIFO would block forever), size checked before reading, errors that name the file and never quote its content.
 */
public final class ModelFiles {
    /** config.json, model.safetensors.index.json, encoder.json: real ones are kilobytes to a few megabytes. */
    public static final long MAX_JSON_BYTES = 64L << 20;
    /** tokenizer.json / tokenizer.bin / vocab.bpe: the largest real ones (256k-token vocabularies) are ~35 MB. */
    public static final long MAX_TOKENIZER_BYTES = 256L << 20;


    private ModelFiles() {
    }

    /** The bytes of a regular file of at most {@code limit} bytes; {@code what} names it in errors ("tokenizer"). */
    public static byte[] read(Path file, long limit, String what) throws IOException {
        requireRegular(file, what);
        long size = Files.size(file);
        if (size > limit) {
            throw new FormatException(file, what + " file is " + size + " bytes, over the limit of " + limit
                    + " bytes for a " + what + " file");
        }
        return Files.readAllBytes(file);
    }

    /** Fails unless {@code file} is a regular file (following links): not a folder, FIFO, socket or device. */
    public static void requireRegular(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, what + " file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new FormatException(file, what + " is not a regular file (a folder, pipe or device)");
        }
    }

    /** A JSON file read with {@link #read}; a syntax error names the line and column only, not the text there. */
    public static JsonNode readJson(Path file, long limit, String what) throws IOException {
        return parseJson(read(file, limit, what), file);
    }

    public static JsonNode parseJson(byte[] json, Path file) throws FormatException {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw jsonError(file, e);
        } catch (IOException e) {
            throw new FormatException(file, "could not be read as JSON", e);
        }
    }

    /** A JSON syntax error without Jackson's message, which quotes the offending text (perhaps a secret). */
    public static FormatException jsonError(Path file, JacksonException e) {
        return jsonError(file, "", e);
    }

    /** As above, with what was being parsed in front ("safetensors header"). */
    public static FormatException jsonError(Path file, String what, JacksonException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String kind = String.valueOf(e.getOriginalMessage()).startsWith("Duplicate field") ? " (a duplicate key)" : "";
        return new FormatException(file, (what.isEmpty() ? "" : what + " is ") + "not valid JSON" + where + kind);
    }

    /** A UTF-8 text file of at most {@code limit} bytes; invalid UTF-8 is reported with its byte offset. */
    public static String readUtf8(Path file, long limit, String what) throws IOException {
        return decodeUtf8(read(file, limit, what), file);
    }

    public static String decodeUtf8(byte[] bytes, Path file) throws FormatException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never yields more chars than bytes
        CoderResult r = d.decode(in, out, true);
        if (!r.isError()) {
            r = d.flush(out);
        }
        if (r.isError()) {
            throw new FormatException(file, "not valid UTF-8: invalid byte sequence at byte offset " + in.position());
        }
        return out.flip().toString();
    }

    /**
     * {@code file} (found inside the model folder {@code folder}) after following links, refused when a link leads
     * out. The rule: a file inside a model folder must resolve inside that folder, or inside the {@code blobs/}
     * folder of the same Hugging Face cache repository when the folder is one of its snapshots
     * ({@code models--ORG--NAME/snapshots/REV/file -> ../../blobs/HASH}). Anything else could read any file the
     * user can read (a tokenizer.json linked to a system file) without the user having named it.
     */
    public static Path insideFolder(Path folder, Path file) throws IOException {
        if (!Files.exists(file)) {
            return file; // the caller reports it missing
        }
        Path dir = folder.toRealPath();
        Path real = file.toRealPath();
        if (real.startsWith(dir)) {
            return file;
        }
        Path snapshots = dir.getParent();
        Path repo = snapshots == null ? null : snapshots.getParent();
        if (repo != null && snapshots.getFileName().toString().equals("snapshots")
                && repo.getFileName().toString().startsWith("models--") && real.startsWith(repo.resolve("blobs"))) {
            return file;
        }
        throw new FormatException(file, "is a link that leads outside the model folder " + folder
                + " (only links into the folder or its Hugging Face cache blobs/ are followed);"
                + " copy the file into the folder or pass it explicitly");
    }
}
