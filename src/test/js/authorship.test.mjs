// node --test: authorship runs follow operations as the server's do (the shared vectors in
// src/test/resources/vectors/authorship.json, once the server's tests write them, and the
// cases below), obey the authorship law, and the tracker keeps them current from a welcome,
// peers' operations and this page's acknowledged ones, in a simulation with a server.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { TextOperation, transform, InvalidOperation } from "../../main/webapp/js/ot.js";
import { Client } from "../../main/webapp/js/client.js";
import { applyOperation, authorAt, authorsIn, forEachRun, readRuns, runsLength } from "../../main/webapp/js/authorship.js";
import { AuthorshipTracker, ownAuthor } from "../../main/webapp/js/authorship-tracker.js";
import { random, randomOp, simulate } from "./random.mjs";

const op = (...c) => TextOperation.fromWire(c);

// Cases as the shared vectors have them: {runs, ops (wire), author or inserted, after}.
const CASES = [
  { runs: [], ops: ["Hi"], author: "a", after: [[2, "a"]] },
  { runs: [[2, "a"]], ops: [2, "!"], author: "a", after: [[3, "a"]] },
  { runs: [[2, "a"]], ops: [1, "x", 1], author: "b", after: [[1, "a"], [1, "b"], [1, "a"]] },
  { runs: [[1, "a"], [1, "b"], [1, "a"]], ops: [1, -1, 1], author: "c", after: [[2, "a"]] },
  { runs: [[3, "a"], [3, "b"]], ops: [-6], author: "c", after: [] },
  { runs: [[3, "a"], [3, "b"]], ops: ["x", -6], author: "b", after: [[1, "b"]] },
  { runs: [[3, "a"], [3, "b"]], ops: [2, -2, "yy", 2], author: "b", after: [[2, "a"], [4, "b"]] },
  { runs: [[2, "a"], [2, "b"]], ops: [4], author: "c", after: [[2, "a"], [2, "b"]] },
  { runs: [[2, "a"]], ops: ["😀", 2], author: "b", after: [[2, "b"], [2, "a"]] },
  { runs: [[4, "a"]], ops: [-1, "b", 2, "c", -1], author: "b", after: [[1, "b"], [2, "a"], [1, "b"]] },
];

const byWhom = (v) => (v.inserted ? { inserted: v.inserted } : v.author);

function check(v, label) {
  const got = applyOperation(readRuns(v.runs), TextOperation.fromWire(v.ops), byWhom(v));
  assert.deepEqual(got, v.after, label);
}

test("an operation keeps retained runs, adds inserts, drops deletes, merges one author's neighbours", () => {
  CASES.forEach((v, i) => check(v, `case ${i}: ${JSON.stringify(v)}`));
});

test("the shared vectors give the same runs as the server's algorithm", (t) => {
  const file = new URL("../resources/vectors/authorship.json", import.meta.url);
  if (!existsSync(file)) {
    t.skip("src/test/resources/vectors/authorship.json is not there yet (the server's tests write it)");
    return;
  }
  const vectors = JSON.parse(readFileSync(file, "utf8"));
  assert.ok(vectors.cases.length >= 100);
  vectors.cases.forEach((v, i) => check(v, `vector ${i}: ${JSON.stringify(v)}`));
  for (const bad of vectors.invalid ?? []) {
    assert.throws(() => applyOperation(readRuns(bad.runs), TextOperation.fromWire(bad.ops), byWhom(bad)), InvalidOperation, JSON.stringify(bad));
  }
});

test("runs that do not fit the operation, or are not runs, are refused", () => {
  assert.throws(() => applyOperation([[2, "a"]], op(3), "b"), /length 3 .* covers 2/);
  assert.throws(() => readRuns([[1]]), InvalidOperation);
  assert.throws(() => readRuns([[-1, "a"]]), InvalidOperation);
  assert.throws(() => readRuns({}), InvalidOperation);
  assert.deepEqual(readRuns([[1, "a"], [0, "b"], [2, "a"]]), [[3, "a"]], "made canonical");
});

test("a restore's inserts take the authors they are given", () => {
  const runs = applyOperation([[3, "c"]], op("abc", -1, "de", 2), { inserted: [[2, "a"], [3, "b"]] });
  assert.deepEqual(runs, [[2, "a"], [3, "b"], [2, "c"]]);
  assert.throws(() => applyOperation([[3, "c"]], op("ab", 3), { inserted: [[1, "a"]] }), /do not cover/);
});

test("lookups: the author at a position, the authors of a range, runs in a range", () => {
  const runs = [[2, "a"], [3, "b"], [1, "a"]];
  assert.equal(authorAt(runs, 0), "a");
  assert.equal(authorAt(runs, 2), "b");
  assert.equal(authorAt(runs, 5), "a");
  assert.equal(authorAt(runs, 6), null);
  assert.deepEqual(authorsIn(runs, 1, 6), [["b", 3], ["a", 2]]);
  const seen = [];
  forEachRun(runs, 3, 6, (from, to, author) => seen.push([from, to, author]));
  assert.deepEqual(seen, [[3, 5, "b"], [5, 6, "a"]]);
});

/** The author of every code unit, one by one: what runs must agree with. */
function applyToUnits(units, operation, author) {
  const out = [];
  let pos = 0;
  for (const c of operation.ops) {
    if (typeof c === "string") out.push(...Array(c.length).fill(author));
    else if (c > 0) { out.push(...units.slice(pos, pos + c)); pos += c; } else pos -= c;
  }
  return out;
}

const expand = (runs) => runs.flatMap(([n, a]) => Array(n).fill(a));

// The authorship law: each code unit's author is the author of the operation that inserted it.
test("every code unit's author is the author of the operation that inserted it", () => {
  for (let seed = 0; seed < 500; seed++) {
    const rnd = random(seed);
    let doc = "";
    let runs = [];
    let units = [];
    for (let step = 0; step < 20; step++) {
      const author = "abc"[Math.floor(rnd() * 3)];
      const edit = randomOp(rnd, doc);
      runs = applyOperation(runs, edit, author);
      units = applyToUnits(units, edit, author);
      doc = edit.apply(doc);
      const label = `seed ${seed} step ${step}: ${edit} by ${author}`;
      assert.deepEqual(expand(runs), units, label);
      assert.equal(runsLength(runs), doc.length, label);
      runs.forEach((r, i) => {
        assert.ok(r[0] > 0, `${label}: empty run`);
        if (i > 0) assert.notEqual(runs[i - 1][1], r[1], `${label}: unmerged neighbours`);
      });
    }
  }
});

test("a welcome names this browser's author: its own field, or its own entry among the peers", () => {
  assert.equal(ownAuthor({ author: "me", peers: [] }, "c1"), "me");
  assert.equal(ownAuthor({ peers: [{ client: "c2", author: "other" }, { client: "c1", author: "mine" }] }, "c1"), "mine");
  assert.equal(ownAuthor({ peers: [] }, "c1"), null);
});

// Convergence with authorship: clients that track runs from the server's broadcasts and
// their acks show, once quiet, the server's runs, and those follow the law.
test("trackers of several clients agree with the server's runs under random delivery", () => {
  for (let seed = 0; seed < 100; seed++) {
    const rnd = random(seed);
    const server = { text: "", runs: [], units: [], history: [] };
    const clients = [];
    for (let i = 0; i < 4; i++) {
      const id = "c" + i;
      const tracker = new AuthorshipTracker({ load: async () => assert.fail("no refresh expected") });
      tracker.welcome({ rev: 0, authorship: [], authors: {}, author: "author-" + id, peers: [] }, id);
      clients.push({ id, state: new Client({ client: id, rev: 0 }), tracker, up: [], down: [] });
    }
    const serve = (c, m) => {
      let o = m.ops;
      for (const h of server.history.slice(m.rev)) o = transform(h.ops, o)[1];
      const author = "author-" + c.id;
      server.text = o.apply(server.text);
      server.runs = applyOperation(server.runs, o, author);
      server.units = applyToUnits(server.units, o, author);
      const entry = { rev: server.history.length + 1, client: c.id, seq: m.seq, ops: o, author };
      server.history.push(entry);
      for (const other of clients) other.down.push(other === c ? { type: "ack", rev: entry.rev, seq: m.seq } : { type: "op", ...entry });
    };
    const receive = (c, m) => {
      if (m.type === "ack") {
        const sent = c.state.outstanding;
        const next = c.state.ack(m.rev, m.seq);
        c.tracker.confirmed({ rev: m.rev, op: sent.op, author: c.tracker.own });
        if (next) c.up.push(next);
      } else {
        c.state.applyRemote(m.rev, m.client, m.seq, m.ops);
        c.tracker.confirmed({ rev: m.rev, op: m.ops, author: m.author });
      }
      assert.equal(runsLength(c.tracker.display(c.state.pending())), c.state.text.length, `seed ${seed}: ${c.id} covers its text`);
    };
    const edit = (c) => {
      const out = c.state.applyLocal(randomOp(rnd, c.state.text));
      if (out) c.up.push(out);
    };
    simulate(rnd, clients, 200, { edit, serve, receive });
    assert.deepEqual(expand(server.runs), server.units, `seed ${seed}: the server's runs follow the law`);
    for (const c of clients) assert.deepEqual(c.tracker.display(null), server.runs, `seed ${seed}: ${c.id}`);
  }
});

test("after a restore the tracker asks the server and replays what was confirmed meanwhile", async () => {
  let answer;
  const asked = [];
  let changes = 0;
  const tracker = new AuthorshipTracker({
    load: (rev) => { asked.push(rev); return new Promise((resolve) => { answer = resolve; }); },
    changed: () => changes++,
  });
  tracker.welcome({ rev: 1, authorship: [[2, "a"]], authors: { a: { name: "Ada", color: "#d81b60" } }, author: "b", peers: [] }, "cb");
  assert.equal(tracker.author("a").name, "Ada");
  // Revision 2 restores "xyz" written by c, done by b; revision 3 is a's.
  tracker.confirmed({ rev: 2, op: op("xyz", -2), author: "b", restore: 0 });
  assert.deepEqual(asked, [2]);
  tracker.confirmed({ rev: 3, op: op(3, "!"), author: "a" });
  assert.deepEqual(tracker.display(null), [[3, "b"], [1, "a"]], "meanwhile, the restorer's");
  answer({ rev: 2, runs: [[3, "c"]], authors: { c: { name: "Cy", color: "#00695c", first: 10, last: 20 } } });
  await new Promise((resolve) => setTimeout(resolve, 0));
  assert.deepEqual(tracker.display(null), [[3, "c"], [1, "a"]]);
  assert.deepEqual(tracker.display(op(4, "?")), [[3, "c"], [1, "a"], [1, "b"]], "pending edits are this browser's");
  assert.equal(tracker.author("c").name, "Cy");
  assert.equal(tracker.author("c").first, 10);
  assert.ok(changes >= 2);
});

test("a server that keeps authorship is asked when the runs are lost; one that does not is asked only on request", async () => {
  const asked = [];
  let fail = true;
  const tracker = new AuthorshipTracker({
    load: async (rev) => {
      asked.push(rev);
      if (fail) throw new Error("HTTP 404");
      return { rev, runs: [[5, "a"]] };
    },
  });
  const warn = console.warn;
  console.warn = () => {};
  try {
    tracker.welcome({ rev: 4, text: "abcd", peers: [] }, "c");
    tracker.confirmed({ rev: 5, op: op(4, "x"), author: "a" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(asked, [], "no runs in the welcome: the server keeps none");
    await tracker.refresh();
    assert.deepEqual(asked, [5], "asked when the person wants to know");
    tracker.welcome({ rev: 5, authorship: [[5, "a"]], peers: [] }, "c");
    tracker.confirmed({ rev: 7, op: op(5, "x"), author: "a" });
    assert.equal(tracker.display(null), null, "revision 6 is missing");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(asked, [5, 7]);
    tracker.confirmed({ rev: 8, op: op(6, "x"), author: "a" });
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(asked, [5, 7], "not again after a failed answer");
    fail = false;
    tracker.welcome({ rev: 8, authorship: "not runs", peers: [] }, "c");
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(asked, [5, 7, 8]);
    assert.deepEqual(tracker.display(null), [[5, "a"]]);
  } finally {
    console.warn = warn;
  }
});
