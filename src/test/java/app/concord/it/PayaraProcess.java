package app.concord.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Payara Micro, started as the run command does ({@code java -jar payara-micro.jar} with the
 * pre-boot file and {@code concord.data}), or stock: the WAR alone, in a working directory of
 * its own, with or without a root folder ({@code --rootdir}).
 */
final class PayaraProcess extends ServerProcess {

    private PayaraProcess(Process process, int port, Path log) throws IOException {
        super(process, port, log, line -> line.contains(" ready in "), line -> false);
    }

    /** Starts Payara Micro with the WAR on {@code port}; {@code kept} is the data folder, or the working directory when stock. */
    static PayaraProcess launch(Setup setup, Path kept, int port, Path log, List<String> systemProperties)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (setup == Setup.CONFIGURED) {
            command.addAll(List.of(
                    "-Djava.io.tmpdir=" + System.getProperty("concord.it.tmpdir", "target"),
                    "-Dconcord.data=" + kept.toAbsolutePath(),
                    "-Dconcord.host=" + ConcordDeployment.HOST));
        }
        command.addAll(systemProperties);
        command.addAll(List.of(
                "-jar", Path.of(System.getProperty("concord.it.microJar", "target/payara-micro.jar")).toAbsolutePath().toString(),
                "--nohazelcast", "--disablephonehome"));
        if (setup == Setup.CONFIGURED) {
            command.addAll(List.of("--prebootcommandfile",
                    Path.of(System.getProperty("concord.it.preboot", "server-config/pre-boot-commands.asadmin")).toAbsolutePath().toString()));
        } else if (setup == Setup.STOCK_WITH_ROOT_DIR) {
            command.addAll(List.of("--rootdir", kept.resolve("payara-root").toString()));
        }
        command.addAll(List.of(
                "--deploy", war().toAbsolutePath().toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (setup != Setup.CONFIGURED) {
            Files.createDirectories(kept);
            builder.directory(kept.toFile());
        }
        return new PayaraProcess(builder.start(), port, log);
    }
}
