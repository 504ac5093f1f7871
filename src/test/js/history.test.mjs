// node --test: the history API client, the timeslider and restore, against a fake of the
// server's history API (fake-history-server.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { TextOperation } from "../../main/webapp/js/ot.js";
import { applyOperation } from "../../main/webapp/js/authorship.js";
import {
  HistoryApi, HistoryError, changeSegments, formatSpan, replacement, restoreOperation, restoreRevision, revisionFromSearch, revisionLink,
  sessionRange,
} from "../../main/webapp/js/history.js";
import { RevisionLoader, Timeslider } from "../../main/webapp/js/timeslider.js";
import { FakeHistoryServer } from "./fake-history-server.mjs";
import { random, randomOp } from "./random.mjs";

const op = (...c) => TextOperation.fromWire(c);
const MINUTE = 60_000;

/** Ada writes a letter in the morning, Bob edits it in the afternoon. */
function letter() {
  const server = new FakeHistoryServer();
  server.edit(op("Dear Bob,"), "ada", 0);                 // 1
  server.edit(op(9, "\nSee you."), "ada", MINUTE);        // 2
  server.edit(op("Hi", -4, 14, "\nSee you."), "bob", 300 * MINUTE); // 3: "Hi Bob,\nSee you.\nSee you."
  server.edit(op(16, -9), "bob", 301 * MINUTE);           // 4: "Hi Bob,\nSee you."
  return server;
}

test("history comes in sessions, newest first, a page at a time, with the named versions on the first", async () => {
  const server = letter();
  server.versions.push({ id: "v1", rev: 2, name: "First draft", author: "ada", created: MINUTE });
  const api = new HistoryApi("doc", server.fetch);
  const first = await api.page(null, 1);
  assert.deepEqual(first.sessions.map((s) => [s.from, s.to, s.authors]), [[3, 4, ["bob"]]]);
  assert.equal(first.next, 3);
  assert.equal(first.versions[0].name, "First draft");
  assert.equal(first.authors.bob.name, "BOB");
  const second = await api.page(first.next, 1);
  assert.deepEqual(second.sessions.map((s) => [s.from, s.to, s.added, s.removed]), [[1, 2, 18, 0]]);
  assert.equal(second.next, null);
  assert.deepEqual(server.requests.slice(-2), ["GET /api/docs/doc/history?limit=1", "GET /api/docs/doc/history?limit=1&before=3"]);
});

test("a refused request says why, with the server's code", async () => {
  const api = new HistoryApi("doc", new FakeHistoryServer().fetch);
  await assert.rejects(api.revision(7), (e) => e instanceof HistoryError && e.status === 400 && e.message === "no revision 7");
  await assert.rejects(api.renameVersion("nope", "x"), (e) => e.code === "not-found");
  const down = new HistoryApi("doc", async () => { throw new TypeError("Failed to fetch"); });
  await assert.rejects(down.page(), /cannot be reached/);
  const html = new HistoryApi("doc", async () => ({ ok: true, status: 200, text: async () => "<html>" }));
  await assert.rejects(html.revision(1), /not JSON/);
});

test("named versions are made, renamed and deleted", async () => {
  const server = letter();
  const api = new HistoryApi("doc", server.fetch);
  const made = await api.createVersion(4, "Sent", "s3cret");
  assert.equal((await api.versions())[0].name, "Sent");
  assert.equal(made.author, "of-s3cret", "named by this browser's author");
  await api.renameVersion(made.id, "Sent to Bob");
  assert.equal((await api.versions())[0].name, "Sent to Bob");
  await api.deleteVersion(made.id);
  assert.deepEqual(await api.versions(), []);
});

test("changes are highlighted: inserts by their author, deletions with the text they removed", () => {
  const segments = changeSegments("Dear Bob,", op(-4, "Hi", 5, "!"), [[2, "bob"], [1, "ada"]]);
  assert.deepEqual(segments, [
    { type: "insert", from: 0, to: 2, author: "bob" },
    { type: "delete", at: 2, text: "Dear" },
    { type: "insert", from: 7, to: 8, author: "ada" },
  ]);
  assert.deepEqual(changeSegments("ab", op(1, "x", 1)), [{ type: "insert", from: 1, to: 2, author: null }]);
});

function slider(server, options = {}) {
  const shown = [];
  const failures = [];
  const s = new Timeslider({
    loader: new RevisionLoader(new HistoryApi("doc", server.fetch)),
    shown: (v) => shown.push(v),
    failed: (e) => failures.push(e),
    sleep: async () => {},
    ...options,
  });
  s.setHead(server.head);
  return { s, shown, failures };
}

test("a session shows its revision with all its changes; steps show the change that made each revision", async () => {
  const server = letter();
  const { s, shown } = slider(server);
  const [afternoon] = (await new HistoryApi("doc", server.fetch).page()).sessions;
  const { target, since } = sessionRange(afternoon);
  await s.show(target, since);
  assert.equal(shown.at(-1).text, "Hi Bob,\nSee you.");
  assert.deepEqual(shown.at(-1).segments, [{ type: "insert", from: 0, to: 2, author: "bob" }, { type: "delete", at: 2, text: "Dear" }]);
  assert.equal(shown.at(-1).author, "bob");
  await s.previous();
  assert.equal(s.rev, 3);
  assert.equal(shown.at(-1).text, "Hi Bob,\nSee you.\nSee you.");
  assert.equal(shown.at(-1).since, 2);
  await s.next();
  await s.next(); // at the head: nothing more
  assert.equal(s.rev, 4);
  assert.equal(shown.length, 3);
});

test("compare shows the current text with everything changed since the revision", async () => {
  const server = letter();
  const { s, shown } = slider(server);
  await s.show(1);
  await s.toggleCompare();
  assert.equal(s.compare, true);
  const view = shown.at(-1);
  assert.equal(view.text, "Hi Bob,\nSee you.");
  assert.equal(view.rev, 1, "still about revision 1");
  assert.ok(view.segments.some((x) => x.type === "delete" && x.text === "Dear"));
  await s.toggleCompare();
  assert.equal(shown.at(-1).text, "Dear Bob,");
});

test("play goes from the start to the head, then shows the last revision in full", async () => {
  const server = new FakeHistoryServer();
  for (let i = 0; i < 400; i++) server.edit(TextOperation.splice(i, i, 0, "x"), "ada", i * 1000);
  const { s, shown } = slider(server);
  await s.show(400);
  await s.play(); // at the end: from the start
  assert.equal(s.rev, 400);
  assert.equal(s.playing, false);
  assert.equal(shown.at(-1).text, "x".repeat(400));
  assert.equal(shown.at(-1).time, 399_000, "the last one with its time");
  assert.ok(shown.length <= 160, `about 150 steps, not 400: ${shown.length}`);
  const fetched = server.requests.filter((r) => r.includes("/revisions/")).length;
  assert.ok(fetched <= 4, `playing reads changes, not whole texts: ${fetched} texts`);
});

test("a slow answer never replaces a newer view, and pausing stops play where it is", async () => {
  const server = letter();
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const slowFetch = async (url, init) => {
    if (url.includes("/revisions/1")) await gate;
    return server.fetch(url, init);
  };
  const shown = [];
  const s = new Timeslider({ loader: new RevisionLoader(new HistoryApi("doc", slowFetch)), shown: (v) => shown.push(v), sleep: async () => {} });
  s.setHead(4);
  const slow = s.show(1);
  await s.show(4);
  release();
  assert.equal(await slow, false);
  assert.deepEqual(shown.map((v) => v.target), [4]);

  let pauses = 0;
  const { s: player, shown: frames } = slider(server, { sleep: async () => { if (++pauses === 2) player.pause(); } });
  await player.show(0, 0);
  await player.play();
  assert.equal(player.playing, false);
  assert.equal(player.rev, 2, "paused after the second step");
  assert.equal(frames.at(-1).target, 2);
});

test("a failure is reported, and the view stays where it was", async () => {
  const { s, failures } = slider(new FakeHistoryServer(), {});
  s.setHead(3); // the server has no revision 3
  await s.show(3);
  assert.equal(failures.length, 1);
  assert.match(failures[0].message, /no revision 3/);
});

test("restore uses the server's composed operation when it fits, and keeps the restored text's authors", () => {
  for (let seed = 0; seed < 200; seed++) {
    const rnd = random(seed);
    const server = new FakeHistoryServer();
    for (let i = 0; i < 12; i++) server.edit(randomOp(rnd, server.texts.at(-1)), "abc"[i % 3], i);
    const n = Math.floor(rnd() * server.head);
    const back = server.composed(server.head, n);
    const changes = { op: back, inserted: null };
    const { op: restore } = restoreOperation(server.texts.at(-1), server.texts[n], changes);
    assert.equal(restore, back, `seed ${seed}`);
    assert.equal(restore.apply(server.texts.at(-1)), server.texts[n], `seed ${seed}: restore ${n}`);
  }
});

test("restored text keeps its authors: the composed operation with its inserted runs gives the runs of the revision", async () => {
  for (let seed = 0; seed < 100; seed++) {
    const rnd = random(seed);
    const server = new FakeHistoryServer();
    for (let i = 0; i < 10; i++) server.edit(randomOp(rnd, server.texts.at(-1)), "abc"[Math.floor(rnd() * 3)], i);
    const n = Math.floor(rnd() * server.head);
    const changes = await new HistoryApi("doc", server.fetch).changes(server.head, n);
    const { op: restore, inserted } = restoreOperation(server.texts.at(-1), server.texts[n], changes);
    assert.ok(inserted !== null);
    assert.deepEqual(applyOperation(server.runs.at(-1), restore, { inserted }), server.runs[n], `seed ${seed}: restore ${n}`);
  }
});

test("restore falls back to replacing what differs, never splitting a surrogate pair", () => {
  const stale = { op: op(3, "x"), inserted: null };
  assert.deepEqual(restoreOperation("abcd", "abXd", stale).op.toWire(), [2, "X", -1, 1]);
  assert.equal(restoreOperation("abcd", "abXd", stale).inserted, null);
  assert.deepEqual(replacement("a😀b", "a😃b").toWire(), [1, "😃", -2, 1]);
  assert.deepEqual(replacement("same", "same").toWire(), [4]);
  assert.equal(replacement("", "new").apply(""), "new");
  assert.equal(replacement("aaa", "aa").apply("aaa"), "aa");
});

test("a revision's link opens the page at it", () => {
  assert.equal(revisionLink("https://c.example", "notes", 42), "https://c.example/d/notes?rev=42");
  assert.equal(revisionFromSearch("?rev=42"), 42);
  assert.equal(revisionFromSearch("?rev=0"), 0);
  for (const bad of ["", "?rev=", "?rev=-1", "?rev=1.5", "?rev=x", "?other=1"]) assert.equal(revisionFromSearch(bad), null, bad);
});

test("a session's time says its start and end", () => {
  const day = new Date(2025, 4, 3, 10, 2).getTime();
  const now = new Date(2025, 4, 3, 18, 0).getTime();
  assert.equal(formatSpan(day, day + 38 * MINUTE, now, "en-GB"), "10:02–10:40");
  assert.equal(formatSpan(day, day + 20_000, now, "en-GB"), "10:02");
  assert.equal(formatSpan(day, day + 38 * MINUTE, now + 86_400_000 * 2, "en-GB"), "3 May, 10:02–10:40");
  assert.match(formatSpan(day - 86_400_000 * 400, day, now, "en-GB"), /2024.*–.*10:02/);
});

/** What restoreRevision needs of a page whose text is the server's at rev, with its edits saved or not. */
function restoringPage(server) {
  const page = {
    text: server.texts.at(-1),
    applied: [],
    saves: 0,
    session: {
      status: { state: "connected" },
      client: { rev: server.head },
      synchronized: true,
      canRestore: () => page.session.synchronized,
    },
  };
  page.options = {
    session: page.session,
    api: new HistoryApi("doc", server.fetch),
    textAt: async (rev) => server.texts[rev],
    currentText: () => page.text,
    awaitSaved: async () => { page.saves++; page.session.synchronized = true; },
    apply: (o, inserted) => { page.applied.push({ op: o, inserted }); page.text = o.apply(page.text); },
  };
  return page;
}

test("a restore is the server's composed operation with the restored text's authors, made once this page's edits are saved", async () => {
  const server = letter();
  const page = restoringPage(server);
  page.session.synchronized = false; // an edit of this page's in flight
  assert.equal(await restoreRevision(1, page.options), true);
  assert.ok(page.saves >= 1, "waited for this page's edits");
  assert.equal(page.text, "Dear Bob,");
  assert.deepEqual(page.applied[0].op, server.composed(4, 1));
  assert.deepEqual(page.applied[0].inserted, [[4, "ada"]]);
  assert.deepEqual(server.requests.at(-1), "GET /api/docs/doc/changes?from=4&to=1");
  assert.equal(await restoreRevision(1, { ...page.options, currentText: () => "Dear Bob," }), false, "nothing to restore");
});

test("a restore after someone else's edit came in replaces what differs, and refuses while offline", async () => {
  const server = letter();
  const page = restoringPage(server);
  const asked = server.fetch;
  const late = { ...page.options, api: new HistoryApi("doc", async (url, init) => {
    const answer = await asked(url, init);
    page.session.client.rev = 5; // Bob's edit arrived while the changes were on their way
    page.text = "Hi Bob,\nSee you!";
    return answer;
  }) };
  assert.equal(await restoreRevision(2, late), true);
  assert.equal(page.text, "Dear Bob,\nSee you.");
  assert.equal(page.applied[0].inserted, null, "authors from the server, after the ack");
  page.session.status.state = "offline";
  await assert.rejects(restoreRevision(1, page.options), /not connected/);
});
