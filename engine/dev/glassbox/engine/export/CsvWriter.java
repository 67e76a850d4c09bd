package dev.glassbox.engine.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import dev.glassbox.engine.io.AtomicFile;

/**
 * The one way Glassbox writes CSV (RFC 4180 quoting): cells are comma separated; a cell containing a comma, a
 * double quote, CR or LF is enclosed in double quotes with its quotes doubled; every other cell is written as is.
 * Every line, the last one included, ends with a single {@code "\n"} (not RFC 4180's CRLF), on every platform.
 * <p>
 * Cells are written with {@link String#valueOf(Object)} ({@code null} as an empty cell), so numbers come out as
 * {@link Double#toString}/{@link Float#toString} do, independent of the locale; callers wanting fixed decimals
 * format them first with {@code Locale.ROOT}. The writer only appends: atomicity is the caller's target's (an
 * {@link AtomicFile}'s writer, or a StringBuilder handed to an {@code OutputFolder}).
 */
public final class CsvWriter {
    private final Appendable out;

    public CsvWriter(Appendable out) {
        this.out = out;
    }

    /** Writes one line of cells. */
    public CsvWriter row(Object... cells) throws IOException {
        return row(Arrays.asList(cells));
    }

    /** Writes one line of cells. */
    public CsvWriter row(List<?> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(field(cells.get(i)));
        }
        out.append('\n');
        return this;
    }

    /** One cell as it appears in the file: quoted (quotes doubled) only when it holds a comma, quote, CR or LF. */
    public static String field(Object cell) {
        String s = cell == null ? "" : String.valueOf(cell);
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /**
     * Writes a 2-D table atomically: the first row holds the column names after a corner label; each following row
     * starts with its row name, then its values at full float precision.
     */
    public static void write(Path file, String corner, List<String> columns, List<String> rows, float[][] values)
            throws IOException {
        if (values.length != rows.size()) {
            throw new IllegalArgumentException(file.getFileName() + ": " + rows.size() + " row names for "
                    + values.length + " rows");
        }
        try (AtomicFile f = AtomicFile.create(file)) {
            CsvWriter csv = new CsvWriter(f.writer());
            Object[] line = new Object[columns.size() + 1];
            line[0] = corner;
            for (int c = 0; c < columns.size(); c++) {
                line[c + 1] = columns.get(c);
            }
            csv.row(line);
            for (int r = 0; r < values.length; r++) {
                if (values[r].length != columns.size()) {
                    throw new IllegalArgumentException(file.getFileName() + ": row " + r + " has " + values[r].length
                            + " values for " + columns.size() + " columns");
                }
                line[0] = rows.get(r);
                for (int c = 0; c < values[r].length; c++) {
                    line[c + 1] = values[r][c];
                }
                csv.row(line);
            }
            f.commit();
        }
    }
}
