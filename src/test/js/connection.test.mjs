// node --test: the connection falls back to the compatibility transport when WebSocket fails
// twice in a row, says so, numbers its POSTs and repeats one whose answer was lost. Browser APIs are faked.
import { test } from "node:test";
import assert from "node:assert/strict";

globalThis.window = { addEventListener() {} };
globalThis.navigator = { onLine: true };

const sockets = [];
class RefusedWebSocket {
  static OPEN = 1;
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    sockets.push(this);
    setTimeout(() => { this.readyState = 3; this.onclose?.(); }, 1); // the proxy refuses the upgrade
  }
  close() {}
}
globalThis.WebSocket = RefusedWebSocket;

const sources = [];
class FakeEventSource {
  static CLOSED = 2;
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.listeners = {};
    sources.push(this);
  }
  addEventListener(name, listener) { this.listeners[name] = listener; }
  close() { this.readyState = 2; }
  emit(name, data) {
    const event = { data: JSON.stringify(data) };
    if (name === "message") this.onmessage(event); else this.listeners[name](event);
  }
}
globalThis.EventSource = FakeEventSource;

const posts = [];
let answer = () => ({ status: 202 });
globalThis.fetch = async (url, init) => {
  posts.push({ url, number: init.headers["Concord-Message"], session: init.headers["Concord-Session"], body: JSON.parse(init.body) });
  const outcome = answer(posts.length);
  if (outcome instanceof Error) throw outcome;
  return outcome;
};

const { Connection } = await import("../../main/webapp/js/connection.js");

const until = async (condition) => {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(condition(), "timed out");
};

test("after two refused WebSockets it connects over the compatibility transport, says so, and numbers its POSTs", async () => {
  const statuses = [];
  const received = [];
  let connection;
  connection = new Connection("ws://host/ws/docs/notes", {
    open: () => connection.send({ type: "join", client: "a1" }),
    message: (m) => received.push(m),
    status: (s) => statuses.push(s),
  }, { random: () => 0 });
  connection.start();
  await until(() => sources.length === 1);
  assert.equal(sockets.length, 2, "two WebSocket attempts first");
  const source = sources[0];
  assert.equal(source.url, "http://host/api/docs/notes/events");
  source.emit("session", { session: "tok" });
  assert.deepEqual(statuses.at(-1), { state: "connected", compatibility: true });
  await until(() => posts.length === 1);
  assert.deepEqual(posts[0], { url: "http://host/api/docs/notes/messages", number: "1", session: "tok", body: { type: "join", client: "a1" } });
  source.emit("message", { type: "welcome", rev: 0 });
  assert.equal(received[0].type, "welcome");
  connection.healthy();

  answer = (n) => (n === 2 ? new Error("the answer was lost") : { status: 202 });
  assert.ok(connection.send({ type: "op", rev: 0, seq: 1, ops: ["x"] }));
  assert.ok(connection.send({ type: "ping" }));
  await until(() => posts.length === 4);
  assert.deepEqual(posts.slice(1).map((p) => [p.number, p.body.type]), [["2", "op"], ["2", "op"], ["3", "ping"]],
    "the POST without an answer is repeated with its number, then the next one follows");

  answer = () => ({ status: 410 });
  connection.send({ type: "ping" });
  await until(() => statuses.at(-1).state === "reconnecting");
  assert.equal(source.readyState, FakeEventSource.CLOSED, "a session the server no longer has is given up");
  connection.stop();
});
