package app.concord.it;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Payara Micro, started as the run command does: {@code java -jar payara-micro.jar} with the pre-boot file. */
final class PayaraProcess extends ServerProcess {

    private PayaraProcess(Process process, int port, Path log) throws IOException {
        super(process, port, log, line -> line.contains(" ready in "), line -> false);
    }

    /** Starts Payara Micro with the WAR on {@code port}, keeping its database in {@code data}. */
    static PayaraProcess launch(Path data, int port, Path log, List<String> systemProperties) throws IOException {
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
                "--deploy", war().toString(),
                "--contextroot", "/",
                "--port", Integer.toString(port)));
        return new PayaraProcess(new ProcessBuilder(command).redirectErrorStream(true).start(), port, log);
    }
}
