package dev.glassbox.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * {@code glassbox.cmd}, the Windows launcher, cannot run here: what can be checked without cmd.exe is that it does
 * what {@code ./glassbox} does (same jar, same build command, same JDK minimum, no Vector API flag, the same
 * app-or-command rule and off switch) and that cmd.exe can parse it (CRLF lines, balanced blocks, every goto's label).
 */
class WindowsLauncherTest {
    private static final Path CMD = Path.of("glassbox.cmd");
    private static final Path SH = Path.of("glassbox");

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "no match for " + regex);
        return m.group(1);
    }

    @Test
    void startsTheSameJarAndBuildsItTheSameWay() throws IOException {
        String cmd = Files.readString(CMD);
        String sh = Files.readString(SH);
        assertEquals(group(sh, "^jar=\"\\$here/([^\"]+)\""), group(cmd, "^set \"jar=%here%([^\"]+)\"").replace('\\', '/'));
        assertEquals(group(sh, "&& \\./mvnw ([^)]+)\\)"), group(cmd, "^\\s*call mvnw\\.cmd (.+)$").strip());
        assertEquals(group(sh, "-lt (\\d+) \\]"), group(cmd, "LSS (\\d+) \\("), "the same JDK minimum");
        assertTrue(cmd.contains("JAVA_VERSION=") && cmd.contains("JAVA_HOME") && cmd.contains("%%~$PATH:J"),
                "JAVA_HOME, else java on the PATH, and the release file's version");
        for (String launcher : List.of(sh, cmd)) {
            assertFalse(launcher.lines().map(String::strip).filter(l -> !l.startsWith("#") && !l.startsWith("rem"))
                    .anyMatch(l -> l.contains("--add-modules")), "Main loads the Vector API module");
            assertTrue(launcher.contains("--measure-startup") && launcher.contains("OpenTarget.isPathArgument")
                    && launcher.contains("GLASSBOX_AOT") && launcher.contains("\"off\""), "the same app rule and switch");
            assertTrue(launcher.contains("-XX:+UseSerialGC -Xms16m -XX:MaxNewSize=16m -XX:MinHeapFreeRatio=1 -XX:MaxHeapFreeRatio=10") && launcher.contains("JAVA_TOOL_OPTIONS")
                    && launcher.contains("JDK_JAVA_OPTIONS"), "commands run lean unless the user chose a collector");
        }
        for (String separator : List.of("/", "\\", ".")) {
            assertTrue(cmd.contains("\"!first:" + separator + "=!\"==\"!first!\""), "a path has " + separator);
        }
    }

    @Test
    void cmdCanParseIt() throws IOException {
        String raw = Files.readString(CMD);
        assertFalse(raw.replace("\r\n", "").contains("\n"), "CRLF line ends (cmd.exe misreads blocks and labels on LF)");
        int depth = 0;
        for (String line : raw.split("\r\n")) {
            if (line.strip().startsWith("rem ") || line.strip().equals("rem")) {
                continue;
            }
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"') {
                    quoted = !quoted;
                } else if (!quoted && (i == 0 || line.charAt(i - 1) != '^')) {
                    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                    assertTrue(depth >= 0, "a ) closes no block: " + line);
                }
            }
        }
        assertEquals(0, depth, "every ( block is closed");
        Matcher gotos = Pattern.compile("goto (\\w+)").matcher(raw);
        while (gotos.find()) {
            assertTrue(raw.contains("\r\n:" + gotos.group(1) + "\r\n"), "label :" + gotos.group(1));
        }
    }
}
