package app.concord.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * An application server process that the test owns outright, for what Arquillian does not do:
 * killing the server with SIGKILL and starting it again on the same data folder and port. It
 * runs the real WAR at context root / with the same server-config files as the run commands.
 * Which server is system property {@code concord.it.server} ({@code payara}, the default, or
 * {@code wildfly}), set by the build's profile.
 */
abstract class ServerProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile String failure;

    /**
     * Starts pumping the process's output into {@code log}; {@code readyLine} tells the line
     * that says the server is ready, {@code failedLine} one that says it never will be.
     */
    ServerProcess(Process process, int port, Path log, Predicate<String> readyLine, Predicate<String> failedLine)
            throws IOException {
        this.process = process;
        this.port = port;
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    if (failure == null && failedLine.test(line)) {
                        failure = line;
                        ready.countDown();
                    } else if (readyLine.test(line)) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                out.println("log pump stopped: " + e);
            } finally {
                out.close();
                ready.countDown();
            }
        }, "server-log-" + port);
        pump.setDaemon(true);
        pump.start();
    }

    /** How the server is set up: as the README's run commands do, or as it comes. */
    enum Setup {
        /** With server-config and {@code concord.data}: the run commands of the README. */
        CONFIGURED,
        /**
         * Stock: the WAR alone, nothing of server-config, no Concord setting; the server keeps
         * its own folders (Payara Micro's working directory, WildFly's {@code standalone/})
         * across starts, as an installed server does.
         */
        STOCK,
        /** Stock Payara Micro given a root folder of its own ({@code --rootdir}), kept across starts. */
        STOCK_WITH_ROOT_DIR
    }

    /** The server of this build, {@code payara} or {@code wildfly} (system property {@code concord.it.server}). */
    static String server() {
        return System.getProperty("concord.it.server", "payara");
    }

    /**
     * Starts the server of this build (system property {@code concord.it.server}) with the WAR
     * on {@code port}, its files in the new folder {@code work} (the log is {@code work/server.log}),
     * its database in {@code data} (kept across starts), and waits until it is ready.
     */
    static ServerProcess start(Path work, Path data, int port, List<String> systemProperties, Duration timeout)
            throws IOException, InterruptedException {
        return start(Setup.CONFIGURED, work, data, port, systemProperties, timeout);
    }

    /**
     * Starts the server set up as {@code setup}: {@code kept} is the folder kept across starts,
     * the data folder when {@link Setup#CONFIGURED}, else the server's own folder.
     */
    static ServerProcess start(Setup setup, Path work, Path kept, int port, List<String> systemProperties,
            Duration timeout) throws IOException, InterruptedException {
        return start(server(), setup, work, kept, port, systemProperties, timeout);
    }

    /** As {@link #start(Setup, Path, Path, int, List, Duration)} on {@code server} ({@code payara} or {@code wildfly}), whatever the build's. */
    static ServerProcess start(String server, Setup setup, Path work, Path kept, int port, List<String> systemProperties,
            Duration timeout) throws IOException, InterruptedException {
        Files.createDirectories(work);
        String database = System.getProperty("concord.it.databaseOptions", "");
        if (setup == Setup.CONFIGURED && !database.isBlank()) {
            systemProperties = new java.util.ArrayList<>(systemProperties);
            systemProperties.addAll(List.of(database.trim().split("\\s+")));
        }
        Path log = work.resolve("server.log");
        ServerProcess started;
        switch (server) {
            case "payara":
                started = PayaraProcess.launch(setup, kept, port, log, systemProperties);
                break;
            case "wildfly":
                started = WildFlyProcess.launch(setup, work, kept, port, log, systemProperties);
                break;
            default:
                throw new IllegalArgumentException("concord.it.server is payara or wildfly, not " + server);
        }
        started.awaitReady(server, timeout, log);
        return started;
    }

    private void awaitReady(String server, Duration timeout, Path log) throws InterruptedException {
        boolean signalled = ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        String why = !signalled ? "was not ready within " + timeout
                : failure != null ? "failed to start: " + failure
                : !process.isAlive() ? "exited with " + process.exitValue()
                : null;
        if (why != null) {
            close();
            throw new AssertionError(server + " " + why + "; see " + log);
        }
    }

    /** A free port on the loopback interface, for a server the test starts itself. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The WAR, the system property concord.it.war set by failsafe. */
    static Path war() {
        return Path.of(System.getProperty("concord.it.war", "target/concord.war"));
    }

    final URI http(String path) {
        return URI.create("http://" + ConcordDeployment.HOST + ":" + port + path);
    }

    final URI ws(String path) {
        return URI.create("ws://" + ConcordDeployment.HOST + ":" + port + path);
    }

    /** The process started: the server's JVM, or the launch script that runs it. */
    final Process process() {
        return process;
    }

    /** The JVM of the server itself: the process, or its child when a launch script started it. */
    ProcessHandle jvm() {
        return process.toHandle();
    }

    /** SIGKILL of the server's JVM: no shutdown hook, no flush, nothing the server could do to save more. */
    final void kill() throws InterruptedException {
        ProcessHandle jvm = jvm();
        jvm.destroyForcibly();
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        try {
            jvm.onExit().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the server's JVM " + jvm.pid() + " outlived SIGKILL", e);
        }
    }

    /** Stops the server as an administrator would (SIGTERM), or kills it if it takes more than a minute. */
    @Override
    public final void close() throws InterruptedException {
        if (process.isAlive()) {
            jvm().destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
