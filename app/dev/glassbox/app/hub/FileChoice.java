package dev.glassbox.app.hub;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of a repository's files Glassbox needs: a Hugging Face folder (config.json, the tokenizer files and
 * model.safetensors, or the index whose shards are added once it is read), or one GGUF file, chosen by
 * {@code --file} when the repository offers several. Nothing else is downloaded (no pickles, no ONNX, no README).
 */
sealed interface FileChoice {
    String CONFIG = "config.json";
    String SINGLE = "model.safetensors";
    String INDEX = "model.safetensors.index.json";
    /** The files beside the weights the loaders read (config, tokenizers); fetched when the repository has them. */
    List<String> SIDE_FILES = List.of(CONFIG, "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "tokenizer.model", "vocab.json", "merges.txt", "vocab.txt");

    /** A model folder: these files, plus the shards the index names when {@code files} holds the index. */
    record Folder(List<String> files) implements FileChoice {
    }

    record Gguf(String file) implements FileChoice {
    }

    static FileChoice of(RepoRef repo, HubClient.Listing listing, String pattern) throws HubException {
        List<String> ggufs = listing.files().stream().map(HubClient.RemoteFile::name)
                .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".gguf")).sorted().toList();
        if (pattern != null && !pattern.isBlank()) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern.strip());
            List<String> hits = ggufs.stream().filter(n -> m.matches(Path.of(n)) || m.matches(Path.of(n).getFileName())).toList();
            if (hits.size() == 1) {
                return new Gguf(hits.getFirst());
            }
            if (hits.isEmpty()) {
                throw new HubException("hub.noMatch", repo.id(), pattern, ggufs.isEmpty() ? "-" : String.join(", ", ggufs));
            }
            throw new HubException.ChooseFile(repo.id(), hits);
        }
        boolean weights = listing.file(SINGLE).isPresent() || listing.file(INDEX).isPresent();
        if (listing.file(CONFIG).isPresent() && weights) {
            List<String> files = new ArrayList<>();
            for (String n : SIDE_FILES) {
                listing.file(n).ifPresent(f -> files.add(n));
            }
            files.add(listing.file(INDEX).isPresent() ? INDEX : SINGLE);
            return new Folder(List.copyOf(files));
        }
        if (ggufs.size() == 1) {
            return new Gguf(ggufs.getFirst());
        }
        if (ggufs.size() > 1) {
            throw new HubException.ChooseFile(repo.id(), ggufs);
        }
        throw new HubException("hub.nothingToOpen", repo.id());
    }
}
