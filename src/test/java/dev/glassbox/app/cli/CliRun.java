package dev.glassbox.app.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One command line run in-process: its exit code and what it printed to standard output and error. */
record CliRun(int code, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = GlassboxCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
