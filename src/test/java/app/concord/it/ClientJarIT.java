package app.concord.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged client jar (target/concord-client.jar) holds the packages ot, protocol and
 * client and nothing else of the application, and its classes load and connect their
 * WebSocket container with nothing on the class path but the jar, Tyrus's standalone client
 * (which carries the WebSocket client API), the JSON-P API and Parsson: no server API, no
 * other class of the WAR. Needs no server.
 */
class ClientJarIT {

    private static final File JAR = new File(System.getProperty("concord.it.clientJar", "target/concord-client.jar"));
    private static final File RUNTIME = new File(System.getProperty("concord.it.clientRuntime", "target/client-runtime"));

    @Test
    void theJarHoldsTheClientsPackagesAndNothingElse() throws Exception {
        List<String> strays = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR)) {
            for (JarEntry e : jar.stream().toList()) {
                String name = e.getName();
                boolean ours = name.startsWith("app/concord/ot/") || name.startsWith("app/concord/protocol/")
                        || name.startsWith("app/concord/client/");
                boolean folderOrMetadata = e.isDirectory() || name.startsWith("META-INF/");
                if (!ours && !folderOrMetadata) {
                    strays.add(name);
                }
            }
            assertEquals(List.of(), strays);
            for (String expected : List.of("app/concord/client/RemoteDocument.class", "app/concord/client/ClientDocument.class",
                    "app/concord/protocol/JsonCodec.class", "app/concord/ot/TextOperation.class")) {
                assertTrue(jar.getEntry(expected) != null, expected + " is missing");
            }
        }
    }

    @Test
    void itsClassesLoadWithOnlyTheWebSocketClientJsonPAndTyrus() throws Exception {
        List<URL> path = new ArrayList<>();
        path.add(JAR.toURI().toURL());
        File[] runtime = RUNTIME.listFiles((dir, name) -> name.endsWith(".jar"));
        assertTrue(runtime != null && runtime.length == 3, "three runtime jars in " + RUNTIME);
        for (File f : runtime) {
            path.add(f.toURI().toURL());
        }
        List<String> classes = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR)) {
            jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class"))
                    .forEach(n -> classes.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
        }
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            for (String name : classes) {
                Class.forName(name, true, loader);
            }
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("app.concord.collab.DocumentAuthority"));
            assertThrows(ClassNotFoundException.class, () -> loader.loadClass("jakarta.servlet.Servlet"));
            // The library finds a WebSocket container (Tyrus) and JSON-P provider (Parsson) on that path.
            Object container = loader.loadClass("jakarta.websocket.ContainerProvider").getMethod("getWebSocketContainer").invoke(null);
            assertTrue(container.getClass().getName().startsWith("org.glassfish.tyrus"), container.getClass().getName());
            Object uri = loader.loadClass("app.concord.client.Concord").getMethod("documentUri", URI.class, String.class)
                    .invoke(null, URI.create("http://localhost:8080/"), "notes");
            assertEquals(URI.create("ws://localhost:8080/ws/docs/notes"), uri);
            Object decoded = loader.loadClass("app.concord.protocol.JsonCodec").getMethod("decodeOperation", String.class)
                    .invoke(null, "[\"Hi\",3]");
            assertEquals("[\"Hi\",3]", decoded.toString());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }
}
