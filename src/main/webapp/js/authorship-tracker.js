// The authorship of the document this page edits, kept current as the protocol goes
// (docs/PROTOCOL.md "Authorship"): the runs at the last confirmed revision, from the welcome
// and then from every confirmed revision (a peer's operation with its author, this page's own
// acknowledged ones with its own author id), and the authors' names, colours and times.
// The runs of the text the editor shows are those plus this page's unconfirmed edits.
//
// A restore brings text back with the authors it had: a peer's restore says them (inserted),
// this page's own does not come back with them. After a restore without them, and whenever
// the runs are lost (a gap), the tracker asks the server for the runs at its revision and
// replays what was confirmed since; it asks by itself only a server that sent runs in its
// welcome, and not again after a failed answer until the next welcome.
// No I/O of its own: load is given.

import { TextOperation } from "./ot.js";
import { UNKNOWN_AUTHOR, applyOperation, readRuns } from "./authorship.js";

export class AuthorshipTracker {
  /**
   * @param {object} options
   * @param {(rev: number) => Promise<{rev: number, runs: Array, authors?: object}>} options.load
   *        the server's authorship at a revision (GET /api/docs/{id}/authorship?rev=)
   * @param {() => void} [options.changed] the runs or the authors changed other than by an edit
   *        the editor saw (a welcome, an answer from the server, a name)
   * @param {() => number} [options.now]
   */
  constructor({ load, changed = () => {}, now = Date.now }) {
    this.load = load;
    this.changed = changed;
    this.now = now;
    this.runs = null;          // at this.rev; null while not known
    this.rev = -1;
    this.own = null;           // this browser's public author id
    this.authors = new Map();  // id -> {name, color, first?, last?}
    this.log = null;           // revisions confirmed while a load is under way
    this.loading = false;
    this.again = false;
    this.asking = false;       // the server keeps authorship: ask it by itself when the runs are lost
  }

  /** A welcome: its runs (when it has them) cover the text at its revision, after any catch-up. */
  welcome(m, clientId) {
    this.own = ownAuthor(m, clientId) ?? this.own;
    this.learn(m.authors);
    for (const peer of m.peers ?? []) this.peer(peer, { quiet: true });
    let known = false;
    if (m.authorship !== undefined) {
      this.asking = true;
      try {
        this.runs = readRuns(m.authorship);
        known = true;
      } catch {
        // not runs: asked for below
      }
    } else {
      known = this.runs !== null && this.rev === m.rev; // continued through the catch-up
    }
    this.rev = m.rev;
    if (!known) this.runs = null;
    if (!known && this.asking) this.refresh();
    this.changed();
  }

  /**
   * Someone is here: their name is their author's (the one they last joined under); their
   * cursor's colour is their author's only when the server has not said another.
   */
  peer(peer, { quiet = false } = {}) {
    if (typeof peer.author !== "string") return;
    const known = this.authors.get(peer.author);
    this.authors.set(peer.author, { ...known, name: peer.name ?? known?.name ?? "", color: known?.color ?? peer.color ?? null });
    if (!quiet) this.changed();
  }

  /**
   * Revision rev was confirmed: op (on revision rev - 1) by author; restore is the revision it
   * brought back, if it was a restore, and inserted the authors of what it inserted, if known.
   */
  confirmed({ rev, op, author, restore, inserted }) {
    const id = typeof author === "string" ? author : UNKNOWN_AUTHOR;
    let by = id;
    try {
      if (Array.isArray(inserted)) by = { inserted: readRuns(inserted) };
    } catch {
      // not runs: the server is asked below
    }
    const operation = op instanceof TextOperation ? op : TextOperation.fromWire(op);
    this.log?.push({ rev, op: operation, author: by });
    this.#touch(id);
    if (this.runs !== null && rev === this.rev + 1) {
      try {
        this.runs = applyOperation(this.runs, operation, by);
      } catch {
        this.runs = null;
      }
    } else {
      this.runs = null;
    }
    this.rev = rev;
    if (this.asking && (this.runs === null || (Number.isInteger(restore) && by === id))) this.refresh();
  }

  /** The runs of the local text: the confirmed ones with this page's pending edits (null when not known). */
  display(pending) {
    if (this.runs === null) return null;
    if (pending === null || pending === undefined) return this.runs;
    try {
      return applyOperation(this.runs, pending, this.own ?? UNKNOWN_AUTHOR);
    } catch {
      return null;
    }
  }

  /** Asks the server for the runs (and the authors' times) at the current revision; revisions confirmed meanwhile are replayed. */
  async refresh() {
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    this.log = [];
    try {
      const answer = await this.load(this.rev);
      this.learn(answer.authors);
      let runs = readRuns(answer.runs);
      let rev = answer.rev;
      for (const r of this.log) {
        if (r.rev <= rev) continue;
        if (r.rev !== rev + 1) throw new Error(`revision ${r.rev} after ${rev}`);
        runs = applyOperation(runs, r.op, r.author);
        rev = r.rev;
      }
      if (rev === this.rev) this.runs = runs;
    } catch (e) {
      this.asking = false;
      console.warn("authorship not available:", e.message ?? e);
    } finally {
      this.log = null;
      this.loading = false;
      this.changed();
    }
    if (this.again) {
      this.again = false;
      await this.refresh();
    }
  }

  /** An author's name, colour and times, never null. */
  author(id) {
    return this.authors.get(id) ?? { name: "", color: null };
  }

  /** Authors' names, colours and times as the server gives them ({id: {name, color, first?, last?}}). */
  learn(authors) {
    if (authors === null || typeof authors !== "object") return;
    for (const [id, a] of Object.entries(authors)) {
      if (a === null || typeof a !== "object") continue;
      const known = this.authors.get(id) ?? {};
      this.authors.set(id, {
        ...known,
        name: typeof a.name === "string" ? a.name : known.name ?? "",
        color: typeof a.color === "string" ? a.color : known.color ?? null,
        first: Number.isFinite(a.first) ? a.first : known.first,
        last: Number.isFinite(a.last) ? Math.max(a.last, known.last ?? 0) : known.last,
      });
    }
  }

  /** author just wrote: their times move on (an author not named yet is named by the next refresh). */
  #touch(id) {
    const now = this.now();
    const known = this.authors.get(id);
    this.authors.set(id, { name: "", color: null, ...known, first: known?.first ?? now, last: now });
  }
}

/** This browser's public author id in a welcome: its own field, or its own entry among the peers. */
export function ownAuthor(welcome, clientId) {
  if (typeof welcome.author === "string") return welcome.author;
  const self = (welcome.peers ?? []).find((p) => p.client === clientId);
  return typeof self?.author === "string" ? self.author : null;
}
