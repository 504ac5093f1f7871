// node --test: the browser's client state machine, alone and in a simulation of several
// clients and a server that transforms like the real one, delivering in random order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TextOperation, transform } from "../../main/webapp/js/ot.js";
import { Client } from "../../main/webapp/js/client.js";
import { random, randomOp, simulate } from "./random.mjs";

const op = (...c) => TextOperation.fromWire(c);

test("an edit is sent at once, later ones wait in the buffer until the ack", () => {
  const c = new Client({ client: "a", rev: 0 });
  assert.deepEqual(JSON.parse(JSON.stringify(c.applyLocal(op("H")))), { type: "op", rev: 0, seq: 1, ops: ["H"] });
  assert.equal(c.applyLocal(op(1, "i")), null);
  assert.equal(c.applyLocal(op(2, "!")), null);
  assert.equal(c.state, "awaiting-with-buffer");
  const next = c.ack(1, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(next)), { type: "op", rev: 1, seq: 2, ops: [1, "i!"] });
  assert.equal(c.ack(2, 2), null);
  assert.equal(c.state, "synchronized");
});

test("a remote operation is transformed past pending edits and the server's insert stays left", () => {
  const c = new Client({ client: "b", rev: 1, text: "Hi" });
  c.applyLocal(op("Oh, ", 2));
  const { operation } = c.applyRemote(2, "a", 2, op(2, "!"));
  assert.equal(operation.apply("Oh, Hi"), "Oh, Hi!");
  assert.equal(c.text, "Oh, Hi!");
  assert.deepEqual(c.resend().ops.toWire(), ["Oh, ", 3]);
  assert.equal(c.rev, 2);
});

test("after a reconnect the catch-up acknowledges the in-flight edit and the buffer is sent", () => {
  const c = new Client({ client: "a", rev: 0 });
  c.applyLocal(op("x"));
  c.applyLocal(op(1, "y"));
  const { operations, send } = c.catchUp([
    { rev: 1, client: "b", seq: 1, ops: op("B") },
    { rev: 2, client: "a", seq: 1, ops: op(1, "x") },
  ]);
  assert.equal(operations.length, 1);
  assert.equal(operations[0].apply("xy"), "Bxy");
  assert.equal(c.text, "Bxy");
  assert.equal(send.seq, 2);
  assert.equal(send.rev, 2);
  assert.deepEqual(send.ops.toWire(), [2, "y"]);
});

test("a repeated ack of an earlier operation is ignored and a wrong one refused", () => {
  const c = new Client({ client: "a", rev: 0 });
  c.applyLocal(op("x"));
  c.ack(1, 1);
  assert.equal(c.ack(1, 1), null);
  c.applyLocal(op(1, "y"));
  assert.throws(() => c.ack(5, 7));
});

test("the state survives a round trip through JSON, for reloads with unsynced edits", () => {
  const c = new Client({ client: "a", rev: 3, nextSeq: 5, text: "ab" });
  c.applyLocal(op(2, "x"));
  c.applyLocal(op(3, "y"));
  const back = Client.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
  assert.equal(back.state, "awaiting-with-buffer");
  assert.deepEqual(back.resend().ops.toWire(), [2, "x"]);
  assert.equal(back.resend().seq, 5);
  assert.deepEqual(back.pending().toWire(), [2, "xy"]);
  assert.equal(back.text, "abxy");
  assert.throws(() => Client.fromJSON({ ...c.toJSON(), text: "a" }), /do not fit/);
});

test("a restore is resent as first sent, also after a reload", () => {
  const c = new Client({ client: "a", rev: 4, text: "new" });
  assert.equal(c.applyLocal(op("old", -3), 2).restore, 2);
  const back = Client.fromJSON(JSON.parse(JSON.stringify(c.toJSON())));
  back.applyRemote(5, "b", 1, op(3, "!"));
  assert.equal(back.text, "old!");
  const resent = back.resend();
  assert.deepEqual([resent.rev, resent.seq, resent.ops.toWire(), resent.restore], [4, 1, ["old", -3], 2], "not rebased: the server transforms it");
  assert.deepEqual(back.outstanding.op.toWire(), ["old", -3, 1], "while the local state is rebased as usual");
  assert.equal(back.ack(6, 1), null);
  const busy = new Client({ client: "a", rev: 0, text: "x" });
  busy.applyLocal(op(1, "y"));
  assert.equal(busy.applyLocal(op("z", 2), 2), null, "buffered behind another edit: no restore of its own");
});

test("a client's own in-flight operation, seen among the others, is its acknowledgement", () => {
  const c = new Client({ client: "a", rev: 0 });
  c.applyLocal(op("x"));
  c.applyLocal(op(1, "y"));
  const own = c.applyRemote(1, "a", 1, op("x"));
  assert.equal(own.acknowledged, true);
  assert.ok(own.operation.isIdentity(), "nothing to apply: the text has it already");
  assert.equal(own.send.seq, 2, "the buffer goes out");
  const other = c.applyRemote(2, "b", 1, op(1, "!"));
  assert.equal(other.acknowledged, false);
  assert.equal(c.text, "x!y", "the server's insert stays left of ours");
  assert.equal(c.state, "awaiting-confirm");
});

test("a local edit that does not fit the text is refused and changes nothing", () => {
  const c = new Client({ client: "a", rev: 0, text: "ab" });
  assert.throws(() => c.applyLocal(op(5, "x")));
  assert.equal(c.state, "synchronized");
  assert.equal(c.text, "ab");
});

// Convergence: every replica ends equal to the server, whatever the delivery order.
test("clients converge with a transforming server under random delivery", () => {
  for (let seed = 0; seed < 200; seed++) {
    const rnd = random(seed);
    const server = { text: "", history: [] };
    const clients = [];
    for (let i = 0; i < 5; i++) clients.push({ id: "c" + i, state: new Client({ client: "c" + i, rev: 0 }), text: "", up: [], down: [] });
    const receive = (c, m) => {
      if (m.type === "ack") {
        const next = c.state.ack(m.rev, m.seq);
        if (next) c.up.push(next);
      } else {
        const { operation } = c.state.applyRemote(m.rev, m.client, m.seq, m.ops);
        c.text = operation.apply(c.text);
      }
    };
    const serve = (c, m) => {
      let o = m.ops;
      for (const h of server.history.slice(m.rev)) o = transform(h.ops, o)[1];
      server.text = o.apply(server.text);
      const entry = { rev: server.history.length + 1, client: c.id, seq: m.seq, ops: o };
      server.history.push(entry);
      for (const other of clients) other.down.push(other === c ? { type: "ack", rev: entry.rev, seq: m.seq } : { type: "op", ...entry });
    };
    const edit = (c) => {
      const change = randomOp(rnd, c.text);
      c.text = change.apply(c.text);
      const out = c.state.applyLocal(change);
      if (out) c.up.push(out);
    };
    simulate(rnd, clients, 300, { edit, serve, receive });
    for (const c of clients) {
      assert.equal(c.text, server.text, `seed ${seed}: ${c.id}`);
      assert.equal(c.state.state, "synchronized", `seed ${seed}: ${c.id}`);
      assert.equal(c.state.text, server.text, `seed ${seed}: ${c.id}'s state machine`);
    }
  }
});
