package app.concord.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import app.concord.ot.Range;
import app.concord.ot.TextOperation;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonCodecTest {

    @Test
    void decodesAJoinWithAndWithoutRevision() {
        ClientMessage.Join join = assertInstanceOf(ClientMessage.Join.class,
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"a1\",\"name\":\"Ada\",\"extra\":[1,2]}"));
        assertEquals(new ClientMessage.Join("a1", "Ada", null), join);
        assertEquals(new ClientMessage.Join("b-2_", null, 7),
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"b-2_\",\"rev\":7}"));
        assertEquals(new ClientMessage.Join("b", null, null),
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"b\",\"rev\":null,\"name\":null}"));
    }

    @Test
    void aJoinsNameHasEachU0000AsASpace() {
        assertEquals(new ClientMessage.Join("a1", "a b\tc  d", null),
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"a1\",\"name\":\"a\\u0000b\\tc\\u0000\\u0000d\"}"));
    }

    @Test
    void aJoinMayAskForBatches() {
        assertEquals(new ClientMessage.Join("a1", null, 3, null, true),
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"a1\",\"rev\":3,\"batch\":true}"));
        assertEquals(new ClientMessage.Join("a1", null, null, null, false),
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"a1\",\"batch\":false}"));
        assertEquals(new ClientMessage.Invalid(ErrorCode.BAD_MESSAGE, "\"batch\" must be true or false"),
                JsonCodec.decode("{\"type\":\"join\",\"client\":\"a1\",\"batch\":1}"));
        assertEquals("{\"type\":\"join\",\"client\":\"a1\",\"name\":\"Ada\",\"batch\":true}",
                JsonCodec.encode(new ClientMessage.Join("a1", "Ada", null, null, true)));
    }

    @Test
    void aBatchHoldsMessagesAsTheyWouldBeSentAlone() {
        ServerMessage ack = new ServerMessage.Ack(2, 1);
        ServerMessage op = new ServerMessage.Op(new Revision(3, "b2", 1, TextOperation.fromWire(List.of(2, "!"))));
        assertEquals("{\"type\":\"batch\",\"messages\":[{\"type\":\"ack\",\"rev\":2,\"seq\":1},"
                + "{\"type\":\"op\",\"rev\":3,\"client\":\"b2\",\"seq\":1,\"ops\":[2,\"!\"],\"author\":\"~b2\"}]}",
                JsonCodec.batch(List.of(JsonCodec.encode(ack), JsonCodec.encode(op))));
        ServerMessage.Batch batch = new ServerMessage.Batch(List.of(ack, op, new ServerMessage.Pong()));
        assertEquals(Optional.of(batch), JsonCodec.decodeServerMessage(JsonCodec.encode(batch)));
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.batch(List.of(JsonCodec.encode(batch))));
    }

    @Test
    void aBatchSkipsMessagesOfUnknownTypesAndRefusesNesting() {
        assertEquals(Optional.of(new ServerMessage.Batch(List.of(new ServerMessage.Pong()))),
                JsonCodec.decodeServerMessage("{\"type\":\"batch\",\"messages\":[{\"type\":\"later\"},{\"type\":\"pong\"}]}"));
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeServerMessage(
                "{\"type\":\"batch\",\"messages\":[{\"type\":\"batch\",\"messages\":[]}]}"));
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeServerMessage(
                "{\"type\":\"batch\",\"messages\":[7]}"));
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeServerMessage("{\"type\":\"batch\"}"));
    }

    @Test
    void decodesAnOperationIntoCanonicalForm() {
        ClientMessage.Op op = assertInstanceOf(ClientMessage.Op.class,
                JsonCodec.decode("{\"type\":\"op\",\"rev\":1,\"seq\":2,\"ops\":[2,0,\"!\",\"\"]}"));
        assertEquals(1, op.rev());
        assertEquals(2, op.seq());
        assertEquals(List.of(2, "!"), op.ops().toWire());
    }

    @Test
    void decodesCursorAndPing() {
        assertEquals(new ClientMessage.Cursor(3, List.of(new Range(1, 4), new Range(0, 0))),
                JsonCodec.decode("{\"type\":\"cursor\",\"rev\":3,\"ranges\":[[1,4],[0,0]]}"));
        assertInstanceOf(ClientMessage.Ping.class, JsonCodec.decode("{\"type\":\"ping\"}"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
        "not json                                                   | bad-message",
        "[1,2]                                                      | bad-message",
        "{}                                                         | bad-message",
        "{\"type\":7}                                               | bad-message",
        "{\"type\":\"dance\"}                                       | bad-message",
        "{\"type\":\"join\"}                                        | bad-message",
        "{\"type\":\"join\",\"client\":\"has space\"}               | bad-message",
        "{\"type\":\"join\",\"client\":\"a\",\"rev\":-1}            | bad-message",
        "{\"type\":\"join\",\"client\":\"a\",\"rev\":\"3\"}         | bad-message",
        "{\"type\":\"join\",\"client\":\"a\",\"name\":5}            | bad-message",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1}                      | bad-message",
        "{\"type\":\"op\",\"rev\":0,\"seq\":0,\"ops\":[]}           | bad-message",
        "{\"type\":\"op\",\"rev\":1.5,\"seq\":1,\"ops\":[]}         | bad-message",
        "{\"type\":\"op\",\"rev\":1e400,\"seq\":1,\"ops\":[]}       | bad-message",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":\"x\"}        | bad-message",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[1.5]}        | bad-op",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[null]}       | bad-op",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[[1]]}        | bad-op",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[\"\\ud800\"]} | bad-op",
        "{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[99999999999]} | bad-op",
        "{\"type\":\"cursor\",\"rev\":0,\"ranges\":[[1]]}            | bad-message",
        "{\"type\":\"cursor\",\"rev\":0,\"ranges\":[[-1,0]]}         | bad-message",
    })
    void refusesWhatIsNotAMessage(String frame, String code) {
        ClientMessage.Invalid invalid = assertInstanceOf(ClientMessage.Invalid.class, JsonCodec.decode(frame));
        assertEquals(code, invalid.code().wire(), invalid.message());
    }

    @Test
    void refusesDeepNestingWithoutFailing() {
        String deep = "{\"type\":\"op\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        assertEquals(ErrorCode.BAD_MESSAGE, assertInstanceOf(ClientMessage.Invalid.class, JsonCodec.decode(deep)).code());
    }

    /** With the extension's {@code author} on each revision (PROTOCOL.md "History, authorship and versions"). */
    @Test
    void encodesTheProtocolExamplesExactly() {
        assertEquals("{\"type\":\"ack\",\"rev\":1,\"seq\":1}", JsonCodec.encode(new ServerMessage.Ack(1, 1)));
        Revision hi = new Revision(1, "a1", 1, TextOperation.fromWire(List.of("Hi")));
        assertEquals("{\"type\":\"welcome\",\"doc\":\"notes\",\"client\":\"b2\",\"rev\":1,"
                + "\"ops\":[{\"rev\":1,\"client\":\"a1\",\"seq\":1,\"ops\":[\"Hi\"],\"author\":\"~a1\"}],"
                + "\"peers\":[{\"client\":\"a1\",\"name\":\"Ada\",\"color\":\"#d81b60\"}],\"readOnly\":false}",
                JsonCodec.encode(new ServerMessage.Welcome("notes", "b2", 1, null, List.of(hi),
                        List.of(new Peer("a1", "Ada", "#d81b60", List.of())), false)));
        assertEquals("{\"type\":\"welcome\",\"doc\":\"notes\",\"client\":\"a1\",\"rev\":0,\"text\":\"\",\"peers\":[],\"readOnly\":false}",
                JsonCodec.encode(new ServerMessage.Welcome("notes", "a1", 0, "", null, List.of(), false)));
        assertEquals("{\"type\":\"peer-joined\",\"peer\":{\"client\":\"b2\",\"name\":\"Bob\",\"color\":\"#1e88e5\"}}",
                JsonCodec.encode(new ServerMessage.PeerJoined(new Peer("b2", "Bob", "#1e88e5", List.of(new Range(1, 1))))));
        assertEquals("{\"type\":\"peer-joined\",\"peer\":{\"client\":\"v3\",\"name\":\"Vera\",\"color\":\"#1565c0\",\"readOnly\":true}}",
                JsonCodec.encode(new ServerMessage.PeerJoined(new Peer("v3", "Vera", "#1565c0", List.of(), true))));
        assertEquals("{\"type\":\"op\",\"rev\":3,\"client\":\"b2\",\"seq\":1,\"ops\":[\"Oh, \",3],\"author\":\"~b2\"}",
                JsonCodec.encode(new ServerMessage.Op(new Revision(3, "b2", 1, TextOperation.fromWire(List.of("Oh, ", 3))))));
        assertEquals("{\"type\":\"cursor\",\"client\":\"a\",\"rev\":2,\"ranges\":[[0,2]]}",
                JsonCodec.encode(new ServerMessage.Cursor("a", 2, List.of(new Range(0, 2)))));
        assertEquals("{\"type\":\"peer-left\",\"client\":\"a\"}", JsonCodec.encode(new ServerMessage.PeerLeft("a")));
        assertEquals("{\"type\":\"pong\"}", JsonCodec.encode(new ServerMessage.Pong()));
        assertEquals("{\"type\":\"error\",\"code\":\"bad-op\",\"message\":\"no\"}",
                JsonCodec.encode(new ServerMessage.Error(ErrorCode.BAD_OP, "no")));
        assertEquals("{\"type\":\"error\",\"code\":\"server-error\",\"message\":\"failed\",\"id\":\"k3x9\"}",
                JsonCodec.encode(new ServerMessage.Error(ErrorCode.SERVER_ERROR, "failed", "k3x9")));
    }

    @Test
    void encodedTextSurvivesARoundTrip() {
        String tricky = "quote \" backslash \\ newline \n tab \t nul \u0000 emoji 😀 line-sep \u2028";
        String frame = JsonCodec.encode(new ServerMessage.Op(new Revision(1, "a", 1, TextOperation.fromWire(List.of(tricky)))));
        try (var reader = jakarta.json.Json.createReader(new java.io.StringReader(frame))) {
            var ops = reader.readObject().getJsonArray("ops");
            assertEquals(tricky, ops.getString(0));
        }
    }

    @Test
    void encodedBroadcastsPassThroughUnchanged() {
        assertEquals("{\"type\":\"pong\"}", JsonCodec.encode(new ServerMessage.Encoded("{\"type\":\"pong\"}")));
    }

    @Test
    void clientMessagesSurviveTheWayOutAndBackIn() {
        String tricky = "quote \" tab \t emoji 😀 line-sep \u2028";
        List<ClientMessage> messages = List.of(
                new ClientMessage.Join("a1", "Ada " + tricky, null),
                new ClientMessage.Join("b-2_", null, 7),
                new ClientMessage.Join("c", null, 7, null, true),
                new ClientMessage.Op(3, 9, TextOperation.fromWire(List.of(2, tricky, -1, 4))),
                new ClientMessage.Cursor(3, List.of(new Range(1, 4), new Range(5, 5))),
                new ClientMessage.Ping());
        for (ClientMessage m : messages) {
            assertEquals(m, JsonCodec.decode(JsonCodec.encode(m)));
        }
        assertEquals("{\"type\":\"op\",\"rev\":0,\"seq\":1,\"ops\":[\"Hi\"]}",
                JsonCodec.encode(new ClientMessage.Op(0, 1, TextOperation.fromWire(List.of("Hi")))));
        assertThrows(IllegalArgumentException.class,
                () -> JsonCodec.encode(new ClientMessage.Invalid(ErrorCode.BAD_OP, "never sent")));
    }

    @Test
    void serverMessagesSurviveTheWayOutAndBackIn() {
        Revision hi = new Revision(1, "a1", 1, TextOperation.fromWire(List.of("Hi \n😀")));
        List<ServerMessage> messages = List.of(
                new ServerMessage.Welcome("notes", "b2", 1, null, List.of(hi),
                        List.of(new Peer("a1", "Ada", "#d81b60", List.of(new Range(0, 2)))), false),
                new ServerMessage.Welcome("notes", "a1", 0, "some \"text\"", null, List.of(), true),
                new ServerMessage.Ack(4, 2),
                new ServerMessage.Op(hi),
                new ServerMessage.Cursor("a", 2, List.of(new Range(0, 2))),
                new ServerMessage.PeerJoined(new Peer("b2", "Bob", "#1e88e5", List.of())),
                new ServerMessage.PeerLeft("a"),
                new ServerMessage.Pong(),
                new ServerMessage.Error(ErrorCode.RATE_LIMITED, "slow down"));
        for (ServerMessage m : messages) {
            assertEquals(Optional.of(m), JsonCodec.decodeServerMessage(JsonCodec.encode(m)));
        }
    }

    @Test
    void aServerMessageOfAnUnknownTypeIsIgnoredAndABadOneNamed() {
        assertEquals(Optional.empty(), JsonCodec.decodeServerMessage("{\"type\":\"future-extension\",\"x\":1}"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> JsonCodec.decodeServerMessage("{\"type\":\"ack\",\"rev\":\"1\",\"seq\":1}"));
        assertTrue(bad.getMessage().contains("\"rev\" must be an integer"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeServerMessage("{\"type\":\"error\",\"code\":\"oops\"}"));
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeServerMessage("[]"));
        assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeServerMessage("{\"type\":\"op\",\"rev\":1,"
                + "\"client\":\"a\",\"seq\":1,\"ops\":[1.5]}"));
    }

    @Test
    void operationsSurviveTheOpLogsWayOutAndBackIn() {
        TextOperation op = TextOperation.fromWire(List.of(3, "a\"b\\😀\u2029", -2, 1));
        assertEquals("[3,\"a\\\"b\\\\😀\\u2029\",-2,1]", JsonCodec.encodeOperation(op));
        assertEquals(op, JsonCodec.decodeOperation(JsonCodec.encodeOperation(op)));
        assertEquals(TextOperation.identity(0), JsonCodec.decodeOperation("[]"));
    }

    @ParameterizedTest(name = "{0} is refused: {1}")
    @CsvSource(delimiter = '|', value = {
        "not json        | not valid JSON",
        "{\"ops\":[1]} | must be a JSON array",
        "[1.5]           | not an integer",
        "[true]          | expected an integer or a string",
        "[\"\\ud800\"] | unpaired surrogate",
    })
    void aBadStoredOperationIsRefusedWithAClearMessage(String json, String explanation) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JsonCodec.decodeOperation(json));
        assertTrue(e.getMessage().contains(explanation), e.getMessage());
    }
}
