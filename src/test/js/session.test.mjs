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

test("the messages of a batch are handled in order, as if each had come alone", () => {
  const { s, editor } = session(new MemoryStorage());
  s.start();
  const ws = sockets.at(-1);
  ws.open();
  ws.receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 0, text: "", peers: [], readOnly: false });
  type(s, editor, "a");
  type(s, editor, "b"); // buffered behind the first
  ws.receive({ type: "batch", messages: [
    { type: "op", rev: 1, client: "bob", seq: 1, ops: ["X"] },
    { type: "ack", rev: 2, seq: 1 },
    { type: "op", rev: 3, client: "bob", seq: 2, ops: [2, "Y"] },
  ] });
  assert.equal(editor.value, "XaYb");
  assert.deepEqual(editor.applied, ["bob", "bob"]);
  const sent = ws.sent.at(-1);
  assert.deepEqual([sent.type, sent.seq, sent.rev], ["op", 2, 2], "the buffer goes out on the ack, before the op after it");
  ws.receive({ type: "ack", rev: 4, seq: 2 });
  assert.equal(s.unsyncedCount(), 0);
  s.stop();
});

test("edits made before the server confirms them survive a page reload and are resent once with their seq", () => {
  const storage = new MemoryStorage();
  const first = session(storage);
  first.s.start();
  const ws = sockets.at(-1);
  ws.open();
  assert.deepEqual(ws.sent[0], { type: "join", client: first.s.clientId, name: "Ada", batch: true });
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
  assert.deepEqual(JSON.parse(storage.getItem("concord.copy.doc")).text, ">abc!?", "the confirmed copy is kept");
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
  assert.equal(second.s.initialText(), "", "the confirmed copy, not the other tab's edits");
  first.s.stop();
  second.s.stop();
});

test("a document opened before opens with no connection, takes edits on its revision, and sends them once connected", () => {
  const storage = new MemoryStorage();
  const first = session(storage);
  first.s.start();
  sockets.at(-1).open();
  sockets.at(-1).receive({ type: "welcome", doc: "doc", client: first.s.clientId, rev: 2, text: "hello", peers: [], readOnly: false });
  first.s.stop();

  const second = session(storage);
  assert.notEqual(second.s.clientId, first.s.clientId, "a synchronised copy is no claim on the old client id");
  assert.equal(second.s.initialText(), "hello");
  second.editor.value = "hello";
  type(second.s, second.editor, " world");
  assert.equal(second.s.unsyncedCount(), 1);
  second.s.flush();
  assert.equal(JSON.parse(storage.getItem("concord.unsynced.doc")).text, "hello world", "kept before any connection");
  second.s.start();
  const ws = sockets.at(-1);
  ws.open();
  assert.equal(ws.sent[0].rev, 2);
  ws.receive({ type: "welcome", doc: "doc", client: second.s.clientId, rev: 2, ops: [], peers: [], readOnly: false });
  assert.deepEqual(JSON.parse(JSON.stringify(ws.sent.at(-1))), { type: "op", rev: 2, seq: 1, ops: [5, " world"] });
  assert.equal(ws.sent.filter((m) => m.type === "op").length, 1, "sent once");
  ws.receive({ type: "ack", rev: 3, seq: 1 });
  assert.equal(second.s.unsyncedCount(), 0);
  second.s.stop();
});

test("edits typed before the first welcome are kept and placed after the server's text", () => {
  const storage = new MemoryStorage();
  const { s, editor } = session(storage);
  type(s, editor, "Hi");
  assert.equal(s.unsyncedCount(), 1);
  s.start();
  const ws = sockets.at(-1);
  ws.open();
  assert.equal(ws.sent[0].rev, undefined, "nothing known: a snapshot welcome");
  ws.receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 4, text: "abc\n", peers: [], readOnly: false });
  assert.equal(editor.value, "abc\nHi");
  assert.deepEqual(JSON.parse(JSON.stringify(ws.sent.at(-1))), { type: "op", rev: 4, seq: 1, ops: [4, "Hi"] });
  s.stop();
});

test("a read-only welcome drops early edits, and the copy remembers the link is read-only", () => {
  const storage = new MemoryStorage();
  const events = [];
  const editor = fakeEditor();
  const s = new Session({ docId: "doc", url: "ws://t", name: "Ada", editor, notify: (e) => events.push(e), storage });
  type(s, editor, "vandalism");
  s.start();
  sockets.at(-1).open();
  sockets.at(-1).receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 1, text: "Minutes", peers: [], readOnly: true });
  assert.equal(editor.value, "Minutes");
  assert.equal(s.unsyncedCount(), 0);
  assert.throws(() => s.localEdit(TextOperation.splice(7, 7, 0, "!")), /read-only/);
  assert.equal(events.find((e) => e.type === "welcome").newToThisBrowser, false, "revision 1 exists");
  s.stop();
  const again = session(storage);
  assert.equal(again.s.readOnly, true);
  assert.equal(again.s.initialText(), "Minutes");
  again.s.stop();
});

test("a welcome at revision 0 to a browser with no copy says the document is new to it", () => {
  const events = [];
  const s = new Session({ docId: "doc", url: "ws://t", name: "Ada", editor: fakeEditor(), notify: (e) => events.push(e), storage: new MemoryStorage() });
  s.start();
  sockets.at(-1).open();
  sockets.at(-1).receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 0, text: "", peers: [], readOnly: false });
  assert.equal(events.find((e) => e.type === "welcome").newToThisBrowser, true);
  s.stop();
});

test("when the connection is lost, nobody is shown as present any more", () => {
  let shown = null;
  const editor = Object.assign(fakeEditor(), { peers: (p) => { shown = new Map(p); } });
  const { s } = session(new MemoryStorage(), editor);
  s.start();
  const ws = sockets.at(-1);
  ws.open();
  ws.receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 0, text: "", peers: [{ client: "b", name: "Bob", color: "#1565c0" }], readOnly: false });
  assert.equal(shown.size, 1);
  ws.close();
  assert.equal(shown.size, 0);
  s.stop();
});

test("the local copy refuses a live page's edits and drops records it cannot read", async () => {
  const { LocalCopy } = await import("../../main/webapp/js/local-copy.js");
  const storage = new MemoryStorage();
  let now = 100_000;
  const { Client } = await import("../../main/webapp/js/client.js");
  const client = new Client({ client: "c", rev: 1, text: "ab" });
  client.applyLocal(TextOperation.splice(2, 2, 0, "c"));
  new LocalCopy("d", storage, { owner: "one", now: () => now }).saveUnsynced(client);
  const other = new LocalCopy("d", storage, { owner: "two", now: () => now });
  assert.equal(other.adoptUnsynced(), null, "its page is alive");
  now += 10_000;
  assert.equal(other.adoptUnsynced().text, "abc", "its page is gone");
  storage.setItem("concord.unsynced.d", JSON.stringify({ client: "c", rev: 1, text: "x", nextSeq: 2, outstanding: { seq: 1, ops: [5, "!"] }, aliveAt: 0 }));
  assert.equal(other.adoptUnsynced(), null);
  assert.equal(storage.getItem("concord.unsynced.d"), null);
  other.saveCopy(5, "new", false);
  other.saveCopy(4, "old", false);
  assert.equal(other.readCopy().text, "new", "an older revision never replaces a newer one");
});

test("reconnect delays grow exponentially, are jittered, and are capped", () => {
  assert.equal(Connection.delay(0, () => 0), 250);
  assert.equal(Connection.delay(0, () => 0.999), 499);
  assert.equal(Connection.delay(3, () => 0.5), 2000);
  assert.equal(Connection.delay(30, () => 0.999), 29970);
  const samples = new Set(Array.from({ length: 20 }, () => Connection.delay(4)));
  assert.ok(samples.size > 1, "jittered");
});

test("join carries the author secret; the tracker follows the welcome, peers' edits and this page's acknowledged ones", async () => {
  const { AuthorshipTracker } = await import("../../main/webapp/js/authorship-tracker.js");
  const tracker = new AuthorshipTracker({ load: async () => assert.fail("nothing to ask") });
  const editor = fakeEditor();
  const authors = [];
  editor.applyRemote = (o, client, author) => { editor.value = o.apply(editor.value); authors.push(author); };
  const s = new Session({ docId: "doc", url: "ws://t", name: "Ada", editor, notify() {}, storage: new MemoryStorage(), author: "s3cret", authorship: tracker });
  s.start();
  const ws = sockets.at(-1);
  ws.open();
  assert.equal(ws.sent[0].author, "s3cret");
  ws.receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 1, text: "ab", author: "pub-ada", readOnly: false,
    authorship: [[2, "pub-bob"]], authors: { "pub-bob": { name: "Bob", color: "#1565c0" } },
    peers: [{ client: "b", name: "Bob", color: "#1565c0", author: "pub-bob" }, { client: s.clientId, name: "Ada", author: "pub-ada" }] });
  assert.deepEqual([...s.peers.keys()], ["b"], "this page is no peer of its own");
  assert.equal(tracker.own, "pub-ada");
  type(s, editor, "!");
  assert.deepEqual(tracker.display(s.client.pending()), [[2, "pub-bob"], [1, "pub-ada"]]);
  ws.receive({ type: "op", rev: 2, client: "b", seq: 1, ops: ["<", 2], author: "pub-bob" });
  assert.deepEqual(authors, ["pub-bob"], "the editor hears who wrote it");
  ws.receive({ type: "ack", rev: 3, seq: 1 });
  assert.equal(editor.value, "<ab!");
  assert.deepEqual(tracker.display(null), [[3, "pub-bob"], [1, "pub-ada"]]);
  ws.receive({ type: "peer-joined", peer: { client: "c", name: "Cy", color: "#00695c", author: "pub-cy" } });
  assert.equal(tracker.author("pub-cy").name, "Cy");
  // Cy restores revision 1: "ab" comes back with Bob's authorship, in the tracker and the editor.
  const restores = [];
  editor.applyRemote = (o, client, author, restore) => { editor.value = o.apply(editor.value); restores.push(restore); };
  ws.receive({ type: "op", rev: 4, client: "c", seq: 1, ops: ["ab", -4], author: "pub-cy", restore: 1, inserted: [[2, "pub-bob"]] });
  assert.equal(editor.value, "ab");
  assert.deepEqual(restores, [{ rev: 1, inserted: [[2, "pub-bob"]] }]);
  assert.deepEqual(tracker.display(null), [[2, "pub-bob"]]);
  s.stop();
});

test("a restore goes alone with the revision it brings back, and is resent as first sent", () => {
  const editor = fakeEditor();
  const s = new Session({ docId: "doc", url: "ws://t", name: "Ada", editor, notify() {}, storage: new MemoryStorage() });
  assert.equal(s.canRestore(), false, "not before a welcome");
  s.start();
  const ws = sockets.at(-1);
  ws.open();
  ws.receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 5, text: "new text", peers: [], readOnly: false });
  editor.value = "new text";
  assert.equal(s.canRestore(), true);
  const back = TextOperation.fromWire(["old", -8]);
  editor.value = back.apply(editor.value);
  s.localEdit(back, { restore: 2 });
  assert.deepEqual(JSON.parse(JSON.stringify(ws.sent.at(-1))), { type: "op", rev: 5, seq: 1, ops: ["old", -8], restore: 2 });
  assert.equal(s.canRestore(), false, "something is in flight");
  ws.close(); // lost before the ack; meanwhile someone typed
  s.connection.stop(); // no waiting for the backoff: connect again at once
  s.connection.start();
  const again = sockets.at(-1);
  assert.notEqual(again, ws);
  again.open();
  again.receive({ type: "welcome", doc: "doc", client: s.clientId, rev: 6, peers: [], readOnly: false,
    ops: [{ rev: 6, client: "b", seq: 1, ops: [8, "?"] }] });
  const resent = JSON.parse(JSON.stringify(again.sent.at(-1)));
  assert.deepEqual(resent, { type: "op", rev: 5, seq: 1, ops: ["old", -8], restore: 2 }, "the server transforms it past Bob's edit");
  assert.equal(editor.value, "old?");
  again.receive({ type: "ack", rev: 7, seq: 1 });
  assert.equal(s.unsyncedCount(), 0);
  s.stop();
});
