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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Payara Micro process that the test owns outright, for what Arquillian does not do:
 * killing the server with SIGKILL and starting it again on the same data folder and port.
 * It runs the real WAR with the same server-config file as the run command.
 */
final class PayaraProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final CountDownLatch ready = new CountDownLatch(1);

    private PayaraProcess(Process process, int port, Path log) throws IOException {
        this.process = process;
        this.port = port;
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true);
        Thread pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.println(line);
                    if (line.contains(" ready in ")) {
                        ready.countDown();
                    }
                }
            } catch (IOException e) {
                out.println("log pump stopped: " + e);
            } finally {
                out.close();
            }
        }, "payara-log-" + port);
        pump.setDaemon(true);
        pump.start();
    }

    /** A free port on the loopback interface, for a server the test starts itself. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts Payara Micro with the WAR on {@code port}, keeping its database in {@code data}, and waits until it is ready. */
    static PayaraProcess start(Path data, int port, Path log, List<String> systemProperties, Duration timeout)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + System.getProperty("concord.it.tmpdir", "target"),
                "-Dconcord.data=" + data.toAbsolutePath(),
                "-Dconcord.host=" + ConcordDeployment.HOST));
        command.addAll(systemProperties);
        command.addAll(List.of(
                "-jar", System.getProperty("concord.it.microJar", "target/payara-micro.jar"),
                "--nohazelcast", "--disablephonehome",
                "--prebootcommandfile", System.getProperty("concord.it.preboot", "server-config/pre-boot-commands.asadmin"),
                "--deploy", System.getProperty("concord.it.war", "target/concord.war"),
                "--contextroot", "/",
                "--port", Integer.toString(port)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        PayaraProcess server = new PayaraProcess(process, port, log);
        if (!server.ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            server.close();
            throw new AssertionError("Payara Micro was not ready within " + timeout + "; see " + log);
        }
        if (!process.isAlive()) {
            throw new AssertionError("Payara Micro exited with " + process.exitValue() + "; see " + log);
        }
        return server;
    }

    URI http(String path) {
        return URI.create("http://" + ConcordDeployment.HOST + ":" + port + path);
    }

    URI ws(String path) {
        return URI.create("ws://" + ConcordDeployment.HOST + ":" + port + path);
    }

    /** SIGKILL: no shutdown hook, no flush, nothing the server could do to save more. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
