package dev.glassbox.engine.export;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.List;

import dev.glassbox.engine.io.AtomicFile;

/**
 * Writes a 2-D table as CSV (RFC 4180: comma separated, CRLF line ends, fields with commas, quotes or line
 * breaks quoted, quotes doubled). The first row holds the column names after a corner label; each
 * following row starts with its row name.
 */
public final class CsvWriter {
    private CsvWriter() {
    }

    public static void write(Path file, String corner, List<String> columns, List<String> rows, float[][] values)
            throws IOException {
        if (values.length != rows.size()) {
            throw new IllegalArgumentException(file.getFileName() + ": " + rows.size() + " row names for "
                    + values.length + " rows");
        }
        try (AtomicFile f = AtomicFile.create(file)) {
            Writer w = f.writer();
            w.write(field(corner));
            for (String c : columns) {
                w.write(',');
                w.write(field(c));
            }
            w.write("\r\n");
            for (int r = 0; r < values.length; r++) {
                if (values[r].length != columns.size()) {
                    throw new IllegalArgumentException(file.getFileName() + ": row " + r + " has " + values[r].length
                            + " values for " + columns.size() + " columns");
                }
                w.write(field(rows.get(r)));
                for (float v : values[r]) {
                    w.write(',');
                    w.write(Float.toString(v));
                }
                w.write("\r\n");
            }
            f.commit();
        }
    }

    static String field(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
