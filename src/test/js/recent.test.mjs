// node --test: the start page's lists, recent documents and deletions that can be undone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { forgetRecent, readRecent, rememberDocument, rememberEdit, searchRecent } from "../../main/webapp/js/recent.js";
import { readDeleted, rememberDeleted, takeDeleted, UNDO_FOR_MS } from "../../main/webapp/js/deleted.js";

class MemoryStorage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
  removeItem(k) { this.items.delete(k); }
}

test("recent documents are searched by title or id, remember edits, and can be removed", () => {
  const storage = new MemoryStorage();
  rememberDocument("budget", "Budget 2026", storage, 1000);
  rememberDocument("trip", "Holiday plans", storage, 2000);
  rememberEdit("budget", storage, 3000);
  const all = readRecent(storage);
  assert.deepEqual(all.map((e) => e.id), ["trip", "budget"]);
  assert.equal(all.find((e) => e.id === "budget").editedAt, 3000);
  assert.deepEqual(searchRecent(all, "BUDG").map((e) => e.id), ["budget"]);
  assert.deepEqual(searchRecent(all, "tri").map((e) => e.id), ["trip"]);
  assert.equal(searchRecent(all, "  ").length, 2);
  storage.setItem("concord.copy.trip", "{}");
  storage.setItem("concord.unsynced.trip", "{}");
  forgetRecent("trip", storage);
  assert.deepEqual(readRecent(storage).map((e) => e.id), ["budget"]);
  assert.equal(storage.getItem("concord.copy.trip"), null, "the copy of its text goes too");
  assert.equal(storage.getItem("concord.unsynced.trip"), "{}", "unsynced edits are never dropped");
});

test("a deletion can be undone once, for a limited time", () => {
  const storage = new MemoryStorage();
  rememberDeleted("plan", "Old plan", "# Old plan", storage, 1000);
  assert.equal(readDeleted(storage, 2000).length, 1);
  assert.equal(readDeleted(storage, 1000 + UNDO_FOR_MS).length, 0, "too late");
  assert.equal(takeDeleted("plan", storage, 2000).text, "# Old plan");
  assert.equal(takeDeleted("plan", storage, 2000), null, "only once");
  storage.setItem("concord.deleted", "not json");
  assert.deepEqual(readDeleted(storage), []);
});
