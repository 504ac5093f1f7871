// node --test: the session keeps unsynced edits across page loads and resends them with
// their original seq; the transport backs off with jitter. Browser APIs are faked.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";

// ---- fakes of the browser APIs the session uses -------------------------------------------
globalThis.window = { addEventListener() {} };
globalThis.navigator = { onLine: true };
const sockets = [];
class FakeWebSocket {
  static OPEN = 1;
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    sockets.push(this);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; this.onclose?.(); }
  open() { this.readyState = 1; this.onopen(); }
  receive(message) { this.onmessage({ data: JSON.stringify(message) }); }
}
globalThis.WebSocket = FakeWebSocket;

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
  removeItem(k) { this.items.delete(k); }
}

const { Session } = await import("../../main/webapp/js/session.js");
const { Connection } = await import("../../main/webapp/js/connection.js");
const { TextOperation } = await import("../../main/webapp/js/ot.js");

function fakeEditor() {
  const editor = { value: "", applied: [] };
  return Object.assign(editor, {
    text: () => editor.value,
    reset: (t) => { editor.value = t; },
    applyRemote: (op, author) => { editor.value = op.apply(editor.value); editor.applied.push(author); },
    peers() {},
    cursor() {},
  });
}

function session(storage, editor = fakeEditor()) {
  const s = new Session({ docId: "doc", url: "ws://test/ws/docs/doc", name: "Ada", editor, notify() {}, storage });
  return { s, editor };
}

function type(s, editor, text) {
  const op = TextOperation.splice(editor.value.length, editor.value.length, 0, text);
  editor.value = op.apply(editor.value);
  s.localEdit(op);
}

beforeEach(() => { sockets.length = 0; });

test("edits made before the server confirms them survive a page reload and are resent once with their seq", () => {
  const storage = new MemoryStorage();
  const first = session(storage);
  first.s.start();
  const ws = sockets.at(-1);
  ws.open();
  assert.deepEqual(ws.sent[0], { type: "join", client: first.s.clientId, name: "Ada" });
  ws.receive({ type: "welcome", doc: "doc", client: first.s.clientId, rev: 3, text: "abc", peers: [], readOnly: false });
  first.editor.value = "abc";
  type(first.s, first.editor, "!");
  assert.equal(ws.sent.at(-1).seq, 1);
  type(first.s, first.editor, "?");
  assert.equal(first.s.unsyncedCount(), 2);
  first.s.flush({ leaving: true }); // the page goes away before any ack

  const second = session(storage);
  assert.equal(second.s.clientId, first.s.clientId, "the edits keep their client id");
  assert.equal(second.s.initialText(), "abc!?");
  second.editor.value = second.s.initialText();
  second.s.start();
  const ws2 = sockets.at(-1);
  ws2.open();
  assert.equal(ws2.sent[0].rev, 3, "rejoins from the revision the edits were made on");
  // Meanwhile someone inserted at the start; our first op had arrived and is revision 5.
  ws2.receive({ type: "welcome", doc: "doc", client: second.s.clientId, rev: 5, peers: [], readOnly: false, ops: [
    { rev: 4, client: "bob", seq: 1, ops: [">", 3] },
    { rev: 5, client: second.s.clientId, seq: 1, ops: [4, "!"] },
  ] });
  const resent = ws2.sent.at(-1);
  assert.equal(resent.type, "op");
  assert.equal(resent.seq, 2, "the in-flight op was acknowledged by the catch-up; the buffer goes out as seq 2");
  assert.deepEqual(resent.ops, [5, "?"]);
  assert.equal(second.editor.value, ">abc!?");
  ws2.receive({ type: "ack", rev: 6, seq: 2 });
  assert.equal(second.s.unsyncedCount(), 0);
  assert.equal(storage.getItem("concord.unsynced.doc"), null, "nothing left to keep once confirmed");
  first.s.stop();
  second.s.stop();
});

test("another open tab's unsynced edits are not taken over", () => {
  const storage = new MemoryStorage();
  const first = session(storage);
  first.s.start();
  sockets.at(-1).open();
  sockets.at(-1).receive({ type: "welcome", doc: "doc", client: first.s.clientId, rev: 0, text: "", peers: [], readOnly: false });
  type(first.s, first.editor, "x");
  first.s.flush();
  const second = session(storage);
  assert.notEqual(second.s.clientId, first.s.clientId);
  assert.equal(second.s.initialText(), null);
  first.s.stop();
  second.s.stop();
});

test("reconnect delays grow exponentially, are jittered, and are capped", () => {
  assert.equal(Connection.delay(0, () => 0), 250);
  assert.equal(Connection.delay(0, () => 0.999), 499);
  assert.equal(Connection.delay(3, () => 0.5), 2000);
  assert.equal(Connection.delay(30, () => 0.999), 29970);
  const samples = new Set(Array.from({ length: 20 }, () => Connection.delay(4)));
  assert.ok(samples.size > 1, "jittered");
});
