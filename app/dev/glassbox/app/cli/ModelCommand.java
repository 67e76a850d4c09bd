package dev.glassbox.app.cli;

import picocli.CommandLine.Mixin;

/** A sub-command that loads a model: --model / --tokenizer / --threads. */
abstract class ModelCommand extends ConsoleCommand {
    @Mixin
    ModelOptions model;
}
