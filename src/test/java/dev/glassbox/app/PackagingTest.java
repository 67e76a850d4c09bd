package dev.glassbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import dev.glassbox.app.service.SessionFiles;

/**
 * The installer build's configuration, checked without running jlink or jpackage (minutes): the profile stays out
 * of the default build, the script parses, the .deb registers the file types the app opens, its desktop entry passes
 * the opened file to the app, and its scripts put the glassbox command on the PATH and take it away again.
 */
class PackagingTest {
    private static final Path LINUX = Path.of("packaging/linux");

    @Test
    void theInstallerProfileRunsTheScriptAndOnlyWhenAskedFor() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList profiles = pom.getElementsByTagName("profile");
        Element installer = null;
        for (int i = 0; i < profiles.getLength(); i++) {
            Element p = (Element) profiles.item(i);
            if (p.getElementsByTagName("id").item(0).getTextContent().equals("installer")) {
                installer = p;
            }
        }
        assertTrue(installer != null, "an installer profile");
        assertEquals(0, installer.getElementsByTagName("activation").getLength(), "never active by itself");
        assertTrue(installer.getTextContent().contains("packaging/build-installers.sh"));
        Process bash = new ProcessBuilder("bash", "-n", "packaging/build-installers.sh").redirectErrorStream(true).start();
        String out = new String(bash.getInputStream().readAllBytes());
        assertTrue(bash.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, bash.exitValue(), "the script parses: " + out);
    }

    @Test
    void theDebRegistersTheFileTypesTheAppOpens() throws IOException {
        List<String> extensions = new ArrayList<>();
        try (var files = Files.list(LINUX)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
                Properties p = new Properties();
                try (var in = Files.newBufferedReader(f)) {
                    p.load(in);
                }
                assertTrue(p.getProperty("mime-type", "").startsWith("application/"), f + " names a MIME type");
                assertTrue(!p.getProperty("description", "").isBlank(), f + " describes the type");
                extensions.add(p.getProperty("extension"));
            }
        }
        assertEquals(List.of("gguf", SessionFiles.EXTENSION.substring(1), "safetensors"), extensions);
        String desktop = Files.readString(LINUX.resolve("Glassbox.desktop"));
        assertTrue(desktop.contains("\nExec=APPLICATION_LAUNCHER %f\n"), "the opened file reaches Main as its argument");
        assertTrue(desktop.contains("\nDESKTOP_MIMES"), "jpackage lists the file types");
    }

    @Test
    void theDebPutsTheCommandOnThePathAndTakesItAway() throws IOException {
        String postinst = Files.readString(LINUX.resolve("postinst"));
        String prerm = Files.readString(LINUX.resolve("prerm"));
        assertTrue(postinst.contains("\nDESKTOP_COMMANDS_INSTALL\n") && prerm.contains("\nDESKTOP_COMMANDS_UNINSTALL\n")
                && prerm.contains("\nCOMMON_SCRIPTS\n") && prerm.contains("\nDESKTOP_SCRIPTS\n"),
                "jpackage's own commands (each token on its own line: it replaces every occurrence)");
        assertTrue(postinst.contains("update-alternatives --install /usr/bin/glassbox glassbox /opt/glassbox/bin/Glassbox"));
        assertTrue(prerm.contains("update-alternatives --remove glassbox /opt/glassbox/bin/Glassbox"));
        for (String script : List.of(postinst, prerm)) {
            assertEquals(1, script.split("DESKTOP_COMMANDS", -1).length - 1, "no token in a comment");
        }
    }
}
