package app.concord.it;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A cluster may mix servers: one schema, one WAR. A Payara Micro node and a WildFly node on
 * one PostgreSQL ({@link ClusterUnderTest}, without HAProxy); a client on each sees the
 * other's edits, and when both type at once, both nodes sequencing the document, they
 * converge with every edit once. Runs in the WildFly pass ({@code -Pwildfly}), the one that
 * unpacks WildFly (Payara Micro is in target/ in both).
 */
@EnabledIfSystemProperty(named = "concord.it.server", matches = "wildfly",
        disabledReason = "needs the WildFly that the -Pwildfly pass unpacks")
class MixedServersIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static ClusterUnderTest cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterUnderTest.start(List.of("payara", "wildfly"), false);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aClientOnPayaraAndOneOnWildFlySeeEachOthersEdits() throws Exception {
        ClusterIT.editsOnEachNodeReachTheOthers(cluster, "mixed-see-" + UUID.randomUUID(), 20);
    }

    @Test
    void clientsTypingAtOnceOnPayaraAndWildFlyConverge() throws Exception {
        try (Typists typists = new Typists("mixed-race-" + UUID.randomUUID())) {
            typists.join("payara1", cluster.root(1));
            typists.join("wildfly1", cluster.root(2));
            typists.join("payara2", cluster.root(1));
            typists.join("wildfly2", cluster.root(2));
            typists.start(Duration.ofMillis(10), 3);
            Thread.sleep(10_000);
            typists.stop();
            String text = typists.assertConverged(cluster.direct(1), TIMEOUT);
            ClusterIT.everyNodeHas(cluster, typists.doc(), text);
            System.out.println("MixedServersIT: " + typists.typed() + " edits on Payara Micro and WildFly at once");
        }
    }
}
