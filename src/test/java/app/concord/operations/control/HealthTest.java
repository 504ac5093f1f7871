package app.concord.operations.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTest {

    @Test
    void theAnswerHasTheMicroProfileHealthShape() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("store", "H2 file \"/var/lib/concord\"");
        data.put("durable", true);
        data.put("threads", 42);
        List<Health.Check> checks = List.of(new Health.Check("database", true, data),
                new Health.Check("draining", false, Map.of()));

        assertFalse(Health.up(checks));
        assertTrue(Health.up(checks.subList(0, 1)));
        assertEquals("{\"status\":\"DOWN\",\"checks\":[{\"name\":\"database\",\"status\":\"UP\",\"data\":"
                + "{\"store\":\"H2 file \\\"/var/lib/concord\\\"\",\"durable\":true,\"threads\":42}},"
                + "{\"name\":\"draining\",\"status\":\"DOWN\",\"data\":{}}]}", Health.json(checks));
    }
}
