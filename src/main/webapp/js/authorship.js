// Authorship: who wrote each code unit of a document, as runs [[length, authorId], ...] in
// document order (lengths in UTF-16 code units, as operations count them). The algorithm is
// the server's (issue 18), checked against the same vectors (src/test/resources/vectors/
// authorship.json): an operation by an author keeps the runs of the text it retains, adds a
// run for each insert, and drops what it deletes; adjacent runs of one author merge, and no
// run is empty. The empty document has no runs.
//
// Law (tested in src/test/js/authorship.test.mjs): after any sequence of operations, the
// author at each position is the author of the operation that inserted that code unit, except
// text inserted with explicit authors (a restore), which keeps those.

import { InvalidOperation } from "./ot.js";

/** The author of code units nobody is known to have written (no author on the operation). */
export const UNKNOWN_AUTHOR = "";

/** The document length the runs cover. */
export function runsLength(runs) {
  let n = 0;
  for (const [length] of runs) n += length;
  return n;
}

/** Runs as received (JSON): checked and made canonical; throws InvalidOperation when they are not runs. */
export function readRuns(value) {
  if (!Array.isArray(value)) throw new InvalidOperation("authorship runs must be an array");
  const out = new RunBuilder();
  value.forEach((run, i) => {
    if (!Array.isArray(run) || run.length !== 2 || !Number.isInteger(run[0]) || run[0] < 0 || typeof run[1] !== "string") {
      throw new InvalidOperation(`run ${i}: expected [length, "authorId"]`);
    }
    out.push(run[0], run[1]);
  });
  return out.runs;
}

/**
 * The runs after op, made by author. author is an author id, or {inserted: runs} giving the
 * authors of the inserted text (all inserts of op, concatenated): a restore brings text back
 * with the authors it had.
 */
export function applyOperation(runs, op, author) {
  const base = runsLength(runs);
  if (base !== op.baseLength) {
    throw new InvalidOperation(`operation expects a document of length ${op.baseLength} but the authorship covers ${base}`);
  }
  const inserted = typeof author === "string" ? null : new RunCursor(author.inserted);
  if (inserted !== null && runsLength(author.inserted) !== insertedLength(op)) {
    throw new InvalidOperation("the authors of the inserted text do not cover the inserted text");
  }
  const out = new RunBuilder();
  const kept = new RunCursor(runs);
  for (const c of op.ops) {
    if (typeof c === "string") {
      if (inserted === null) out.push(c.length, author); else inserted.copy(c.length, out);
    } else if (c > 0) {
      kept.copy(c, out);
    } else {
      kept.skip(-c);
    }
  }
  return out.runs;
}

/** The author of the code unit at pos, or null outside the text. */
export function authorAt(runs, pos) {
  let end = 0;
  for (const [length, author] of runs) {
    end += length;
    if (pos < end) return author;
  }
  return null;
}

/** Calls fn(from, to, author) for each run, or part of one, inside [from, to). */
export function forEachRun(runs, from, to, fn) {
  let start = 0;
  for (const [length, author] of runs) {
    const end = start + length;
    if (end > from && start < to) fn(Math.max(start, from), Math.min(end, to), author);
    if (end >= to) return;
    start = end;
  }
}

/** How many code units of [from, to) each author wrote, most first: [[authorId, count], ...]. */
export function authorsIn(runs, from, to) {
  const counts = new Map();
  forEachRun(runs, from, to, (a, b, author) => counts.set(author, (counts.get(author) ?? 0) + b - a));
  return [...counts].sort((x, y) => y[1] - x[1]);
}

const insertedLength = (op) => op.ops.reduce((n, c) => (typeof c === "string" ? n + c.length : n), 0);

/** Appends runs, merging a run into the last one when the author is the same. */
class RunBuilder {
  constructor() { this.runs = []; }
  push(length, author) {
    if (length === 0) return;
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last[1] === author) last[0] += length; else this.runs.push([length, author]);
  }
}

/** Reads runs from the start, in pieces of any length. */
class RunCursor {
  constructor(runs) { this.runs = runs; this.index = 0; this.offset = 0; }
  copy(n, out) { this.#take(n, (length, author) => out.push(length, author)); }
  skip(n) { this.#take(n, () => {}); }
  #take(n, fn) {
    while (n > 0) {
      const run = this.runs[this.index];
      if (run === undefined) throw new InvalidOperation("the operation walks past the end of the authorship");
      const length = Math.min(n, run[0] - this.offset);
      fn(length, run[1]);
      n -= length;
      this.offset += length;
      if (this.offset === run[0]) { this.index++; this.offset = 0; }
    }
  }
}
