package dev.glassbox.app.cli;

import picocli.CommandLine.Mixin;

/** A sub-command that loads a model and writes its results to --out (each declares --out with its own help). */
abstract class WritingCommand extends ModelCommand {
    @Mixin
    ForceOption output;
}
