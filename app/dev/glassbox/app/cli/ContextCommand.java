package dev.glassbox.app.cli;

import java.io.PrintWriter;

import dev.glassbox.engine.io.OutputFolder;
import picocli.CommandLine.Mixin;

/** context-compare and context-sweep: a rotary decoder scores a text; --out is checked before the model loads. */
abstract class ContextCommand extends WritingCommand {
    @Mixin
    ContextText text;

    @Override
    final int run(PrintWriter con) throws Exception {
        OutputFolder folder = output.folder(model, ForceOption.input("--text-file", text.textFile));
        return run(con, folder, text.load(model));
    }

    abstract int run(PrintWriter con, OutputFolder folder, ContextText.Loaded input) throws Exception;
}
