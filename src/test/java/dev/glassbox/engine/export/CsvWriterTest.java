package dev.glassbox.engine.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CsvWriterTest {
    private static String csv(Object... cells) throws IOException {
        StringBuilder sb = new StringBuilder();
        new CsvWriter(sb).row(cells);
        return sb.toString();
    }

    @Test
    void plainCellsAreWrittenAsIsAndEachLineEndsWithOneLf() throws IOException {
        StringBuilder sb = new StringBuilder();
        new CsvWriter(sb).row("a", 1, 0.25, 1.5f, true).row(List.of("b", -3));
        assertEquals("a,1,0.25,1.5,true\nb,-3\n", sb.toString());
    }

    @Test
    void commaQuoteAndLineBreaksAreQuotedWithQuotesDoubled() throws IOException {
        assertEquals("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\"\"\"\"\n",
                csv("a,b", "say \"hi\"", "two\nlines", "cr\rhere", "\""));
    }

    @Test
    void emptyAndNullCellsAreEmptyAndNonAsciiIsKept() throws IOException {
        List<Object> cells = new ArrayList<>(List.of("", "注意力", "héad"));
        cells.add(null);
        cells.add("x");
        StringBuilder sb = new StringBuilder();
        new CsvWriter(sb).row(cells);
        assertEquals(",注意力,héad,,x\n", sb.toString());
    }

    @Test
    void numbersIgnoreTheDefaultLocale() throws IOException {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            assertEquals("0.5,1.0E-7,NaN\n", csv(0.5, 1e-7, Double.NaN));
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }
}
