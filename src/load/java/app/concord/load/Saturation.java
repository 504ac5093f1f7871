package app.concord.load;

import org.glassfish.tyrus.client.ClientManager;

/**
 * Keystroke runs of {@code stepSeconds} each, raising the writers per document (or the keys
 * per second) by {@code factor} from step to step until the delivery p50 passes the limit
 * (50 ms), a run fails, or {@code maxSteps} is reached. Reports the highest deliveries per
 * second held with p50 under the limit. The load tool shares the machine with the server,
 * so on a small machine it finds the limit of the pair, not of the server alone.
 */
final class Saturation {

    private Saturation() {
    }

    static Report run(ClientManager container, Keystrokes.Setup first, boolean growRate, double factor,
                      int maxSteps, double p50LimitMillis, ServerStats server) throws Exception {
        Keystrokes.Setup s = first;
        double best = 0;
        String bestStep = "none";
        String stop = "maxSteps";
        for (int step = 1; step <= maxSteps; step++) {
            Keystrokes.Outcome o = Keystrokes.run(container, s, server);
            System.out.println("--- step " + step);
            o.report().print();
            boolean held = o.ok() && o.p50Millis() <= p50LimitMillis;
            if (held && o.deliveriesPerSecond() > best) {
                best = o.deliveriesPerSecond();
                bestStep = s.docs() + "x" + s.writers() + "x" + s.rate() + "/s+" + s.listeners();
            }
            if (!held) {
                stop = o.ok() ? "p50 " + o.p50Millis() + " ms > " + p50LimitMillis : "errors or divergence";
                break;
            }
            s = growRate
                    ? new Keystrokes.Setup(s.url(), s.docs(), s.writers(), s.rate() * factor, s.listeners(),
                    s.warmupSeconds(), s.seconds(), s.seed() + 1)
                    : new Keystrokes.Setup(s.url(), s.docs(), Math.max(s.writers() + 1, (int) Math.round(s.writers() * factor)),
                    s.rate(), s.listeners(), s.warmupSeconds(), s.seconds(), s.seed() + 1);
        }
        System.out.println("--- saturation");
        return new Report().put("mode", "saturation").put("maxDeliveriesPerSecondHeld", best)
                .put("atDocsXWritersXRate", bestStep).put("stoppedBy", stop);
    }
}
