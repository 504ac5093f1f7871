package app.concord.load;

import java.util.HashMap;
import java.util.Map;

/** {@code mode --name value --flag ...}: the command line of the load tool. */
final class Args {

    final String mode;
    private final Map<String, String> options = new HashMap<>();

    Args(String[] argv) {
        mode = argv.length == 0 ? "help" : argv[0];
        for (int i = 1; i < argv.length; i++) {
            if (!argv[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + argv[i]);
            }
            String name = argv[i].substring(2);
            boolean flag = i + 1 == argv.length || argv[i + 1].startsWith("--");
            options.put(name, flag ? "true" : argv[++i]);
        }
    }

    String string(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return options.containsKey(name) ? Integer.parseInt(options.get(name)) : fallback;
    }

    long longValue(String name, long fallback) {
        return options.containsKey(name) ? Long.parseLong(options.get(name)) : fallback;
    }

    double decimal(String name, double fallback) {
        return options.containsKey(name) ? Double.parseDouble(options.get(name)) : fallback;
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(options.getOrDefault(name, "false"));
    }
}
