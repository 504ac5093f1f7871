// A document's history as the page reads it (docs/PROTOCOL.md "History"): the HTTP client of
// the history API, the changes between two revisions as highlights, the timeslider's moves
// (scrub, step, play, compare), and the one edit that restores a revision. No DOM here: the
// panel (history-panel.js) shows what these compute.

import { TextOperation } from "./ot.js";
import { readRuns } from "./authorship.js";

/** A refused or failed history request; code is the server's error code when it gave one. */
export class HistoryError extends Error {
  constructor(message, status = 0, code = "") {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The history API of one document. */
export class HistoryApi {
  constructor(docId, fetchFn = (...args) => globalThis.fetch(...args)) {
    this.base = `/api/docs/${encodeURIComponent(docId)}`;
    this.fetch = fetchFn;
  }

  /** Editing sessions newest first, from before (exclusive; all when null): {sessions, next, versions, authors}. */
  async page(before = null, limit = 30) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (before !== null) query.set("before", String(before));
    const page = await this.#json(`/history?${query}`);
    if (!Array.isArray(page.sessions)) throw new HistoryError("the server's history has no sessions");
    return { sessions: page.sessions, next: Number.isInteger(page.next) ? page.next : null, versions: page.versions ?? null, authors: page.authors ?? null };
  }

  /** {rev, text, time, author} of one revision. */
  revision(rev) {
    return this.#json(`/revisions/${rev}`);
  }

  /** {rev, runs, authors} at a revision. */
  authorship(rev) {
    return this.#json(`/authorship?rev=${rev}`);
  }

  /** The one operation from revision from's text to revision to's, and the authors of its inserts. */
  async changes(from, to) {
    const answer = await this.#json(`/changes?from=${from}&to=${to}`);
    return { from, to, op: TextOperation.fromWire(answer.ops), inserted: Array.isArray(answer.inserted) ? readRuns(answer.inserted) : null };
  }

  /** Named versions, newest first. */
  async versions() {
    const answer = await this.#json("/versions");
    return Array.isArray(answer) ? answer : answer.versions ?? [];
  }

  /** Names revision rev; author is this browser's author secret (the version is theirs), or null. */
  createVersion(rev, name, author = null) {
    return this.#json("/versions", { method: "POST", body: author === null ? { rev, name } : { rev, name, author } });
  }

  renameVersion(id, name) {
    return this.#json(`/versions/${encodeURIComponent(id)}`, { method: "PATCH", body: { name } });
  }

  deleteVersion(id) {
    return this.#json(`/versions/${encodeURIComponent(id)}`, { method: "DELETE" });
  }

  async #json(path, { method = "GET", body } = {}) {
    let response;
    try {
      response = await this.fetch(this.base + path, {
        method,
        headers: body === undefined ? { Accept: "application/json" } : { Accept: "application/json", "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (e) {
      throw new HistoryError(`the server cannot be reached (${e.message})`);
    }
    const text = await response.text();
    let value = null;
    try {
      value = text === "" ? null : JSON.parse(text);
    } catch {
      // not JSON: said below
    }
    if (!response.ok) {
      throw new HistoryError(value?.message ?? `the server answered ${response.status}`, response.status, value?.code ?? "");
    }
    if (value === null && method !== "DELETE") throw new HistoryError("the server's answer is not JSON", response.status);
    return value;
  }
}

/**
 * What op changes in baseText, as highlights on the text it makes: [{type: "insert", from, to,
 * author}] (author from inserted, the runs of the inserted text; null when not known) and
 * [{type: "delete", at, text}] (the deleted text, shown struck through at position at).
 */
export function changeSegments(baseText, op, inserted = null) {
  const segments = [];
  let base = 0;
  let target = 0;
  let run = 0;
  let runOffset = 0;
  for (const c of op.ops) {
    if (typeof c === "string") {
      let left = c.length;
      while (left > 0) {
        const r = inserted?.[run];
        const n = r === undefined ? left : Math.min(left, r[0] - runOffset);
        segments.push({ type: "insert", from: target, to: target + n, author: r === undefined ? null : r[1] });
        target += n;
        left -= n;
        if (r !== undefined && (runOffset += n) === r[0]) { run++; runOffset = 0; }
      }
    } else if (c > 0) {
      base += c;
      target += c;
    } else {
      segments.push({ type: "delete", at: target, text: baseText.slice(base, base - c) });
      base -= c;
    }
  }
  return segments;
}

/** The revisions an editing session spans ({from, to}: its first and last) as the changes to show: since the one before it. */
export function sessionRange(session) {
  return { target: session.to, since: Math.max(0, session.from - 1) };
}

/** The revision in a page address's query (?rev=N), or null. */
export function revisionFromSearch(search) {
  const value = new URLSearchParams(search).get("rev");
  return value !== null && /^\d{1,10}$/.test(value) ? Number(value) : null;
}

/** The address of a document's page opened at a revision. */
export function revisionLink(origin, docId, rev) {
  return `${origin}/d/${encodeURIComponent(docId)}?rev=${rev}`;
}

/** How far each step of play moves: a whole history plays in about maxSteps steps. */
export function playStep(from, to, maxSteps = 150) {
  return Math.max(1, Math.ceil((to - from) / maxSteps));
}

/**
 * The one edit that makes text (the current text) equal to target (the text of the revision
 * restored): the server's composed operation when it fits text and makes target exactly,
 * with the authors of what it inserts; else the replacement of what differs between them.
 */
export function restoreOperation(text, target, changes = null) {
  if (changes !== null && changes.op.baseLength === text.length) {
    try {
      if (changes.op.apply(text) === target) return { op: changes.op, inserted: changes.inserted };
    } catch {
      // does not apply: the replacement below
    }
  }
  return { op: replacement(text, target), inserted: null };
}

/**
 * Restores revision n: once this page's own edits are saved, makes the one edit from the
 * current text to revision n's and hands it to apply(op, inserted) (the page applies it as
 * this person's edit, sent with restore: n). The edit is the server's composed operation when
 * nobody's edit came in meanwhile, else the replacement of what differs. False when the text
 * is revision n's already.
 * @param {number} n
 * @param {object} o
 * @param {object} o.session     the Session: status, client.rev, canRestore()
 * @param {HistoryApi} o.api
 * @param {(rev: number) => Promise<string>} o.textAt  the text of a revision
 * @param {() => string} o.currentText
 * @param {(op: TextOperation, inserted: Array|null) => void} o.apply
 * @param {() => Promise<void>} o.awaitSaved  resolves once this page has nothing unsaved
 */
export async function restoreRevision(n, { session, api, textAt, currentText, apply, awaitSaved }) {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (session.status.state !== "connected") throw new HistoryError("not connected to the server");
    await awaitSaved();
    const base = session.client.rev;
    const [target, changes] = await Promise.all([textAt(n), api.changes(base, n).catch(() => null)]);
    if (!session.canRestore()) continue; // typed meanwhile: once that is saved
    const { op, inserted } = restoreOperation(currentText(), target, session.client.rev === base ? changes : null);
    if (op.isIdentity()) return false;
    apply(op, inserted);
    return true;
  }
  throw new HistoryError("the document kept changing; try again");
}

/** Replaces the part of a that differs from b (between their common start and end), never inside a surrogate pair. */
export function replacement(a, b) {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  if (start > 0 && isHigh(a.charCodeAt(start - 1))) start--;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  if (end > 0 && isLow(a.charCodeAt(a.length - end))) end--;
  return TextOperation.splice(a.length, start, a.length - start - end, b.slice(start, b.length - end));
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/** "10:40" today, "3 May, 10:40" this year, "3 May 2024, 10:40" before, in the person's language. */
export function formatWhen(ms, now = Date.now(), locale = undefined) {
  const date = new Date(ms);
  const today = new Date(now);
  const time = { hour: "2-digit", minute: "2-digit" };
  if (date.toDateString() === today.toDateString()) return date.toLocaleTimeString(locale, time);
  const day = date.getFullYear() === today.getFullYear() ? { day: "numeric", month: "short" } : { day: "numeric", month: "short", year: "numeric" };
  return date.toLocaleString(locale, { ...day, ...time });
}

/** A session's time: "3 May, 10:02–10:40", or both ends in full when it spans days. */
export function formatSpan(start, end, now = Date.now(), locale = undefined) {
  const from = formatWhen(start, now, locale);
  if (end - start < 60_000) return from;
  const sameDay = new Date(start).toDateString() === new Date(end).toDateString();
  const to = sameDay ? new Date(end).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" }) : formatWhen(end, now, locale);
  return `${from}–${to}`;
}
