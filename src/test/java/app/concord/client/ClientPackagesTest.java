package app.concord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The client artifact is {@code ot} + {@code protocol} + {@code client} (pom.xml, execution
 * client-jar): those packages must use nothing of the server, and nothing outside the JDK but
 * the Jakarta WebSocket client API and JSON-P, so that the jar runs with any WebSocket client.
 * Checked on the sources: every import and every qualified name.
 */
class ClientPackagesTest {

    private static final Path SOURCES = Path.of("src/main/java/app/concord");

    /** What each package of the artifact may use besides java.* and itself. */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "ot", List.of(),
            "protocol", List.of("app.concord.ot.", "jakarta.json."),
            "client", List.of("app.concord.ot.", "app.concord.protocol.", "jakarta.json.", "jakarta.websocket."));

    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b((?:app\\.concord|jakarta|javax)\\.[\\w.]+)");

    @Test
    void theClientArtifactsPackagesUseOnlyTheJdkJsonPAndTheWebSocketClientApi() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Map.Entry<String, List<String>> pkg : ALLOWED.entrySet()) {
            String own = "app.concord." + pkg.getKey() + ".";
            try (Stream<Path> files = Files.walk(SOURCES.resolve(pkg.getKey()))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    String source = Files.readString(file);
                    List<String> used = new ArrayList<>();
                    collect(IMPORT.matcher(source), used);
                    collect(QUALIFIED.matcher(source.replaceAll("(?m)^package .*$", "")), used);
                    for (String name : used) {
                        boolean allowed = name.startsWith("java.") || name.startsWith(own)
                                || pkg.getValue().stream().anyMatch(name::startsWith);
                        if (!allowed || name.startsWith("jakarta.websocket.server")) {
                            violations.add(SOURCES.relativize(file) + " uses " + name);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckSeesTheSourcesItIsAbout() throws IOException {
        assertTrue(Files.readString(SOURCES.resolve("client/RemoteDocument.java")).contains("import jakarta.websocket.Session;"));
        Matcher m = IMPORT.matcher("import app.concord.collab.Limits;\nimport static java.util.Objects.requireNonNull;");
        List<String> found = new ArrayList<>();
        collect(m, found);
        assertEquals(List.of("app.concord.collab.Limits", "java.util.Objects.requireNonNull"), found);
    }

    private static void collect(Matcher m, List<String> into) {
        while (m.find()) {
            into.add(m.group(1));
        }
    }
}
