package app.concord.documents.control;

import app.concord.ot.TextOperation;
import jakarta.json.Json;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads an operation back from the JSON array that the op log stores. */
final class OpsJson {

    private static final JsonParserFactory PARSERS = Json.createParserFactory(Map.of());

    private OpsJson() {
    }

    /** The operation written as {@code json}; throws when the stored text is not an operation. */
    static TextOperation parse(String json) {
        List<Object> wire = new ArrayList<>();
        try (JsonParser parser = PARSERS.createParser(new StringReader(json))) {
            if (parser.next() != JsonParser.Event.START_ARRAY) {
                throw new IllegalStateException("a stored operation is not a JSON array: " + clip(json));
            }
            while (true) {
                JsonParser.Event event = parser.next();
                if (event == JsonParser.Event.END_ARRAY) {
                    break;
                } else if (event == JsonParser.Event.VALUE_STRING) {
                    wire.add(parser.getString());
                } else if (event == JsonParser.Event.VALUE_NUMBER) {
                    wire.add(parser.getBigDecimal());
                } else {
                    throw new IllegalStateException("a stored operation holds " + event + ": " + clip(json));
                }
            }
        }
        return TextOperation.fromWire(wire);
    }

    private static String clip(String json) {
        return json.length() <= 80 ? json : json.substring(0, 80) + "...";
    }
}
