// One person's editing session on one document: the OT client state machine, the
// connection, presence, and the promise that no keystroke is lost. What the browser keeps
// between page loads (unsynced edits, the last confirmed text) is local-copy.js's job; this
// module decides when to keep it.
//
// The editor is editable from the first moment: with a copy from an earlier visit, edits
// are made on that revision and sent once connected; with none, edits made before the
// server's first welcome are kept aside and placed after the server's text when it arrives.
//
// The session never touches the editor directly: it calls the editor adapter it is given.

import { TextOperation, transform } from "./ot.js";
import { Client } from "./client.js";
import { Connection } from "./connection.js";
import { LocalCopy } from "./local-copy.js";
import { randomId } from "./doc-id.js";

const ALIVE_EVERY_MS = 2_000;
const CURSOR_DELAY_MS = 50;
const SAVE_DELAY_MS = 200;
const COPY_DELAY_MS = 1_000;

/**
 * @typedef {object} EditorAdapter
 * @property {() => string} text                      the editor's current text
 * @property {(text: string) => void} reset            replace everything (a snapshot), outside undo history
 * @property {(op: TextOperation, client: string, author?: string, restore?: {rev: number, inserted: Array}) => void} applyRemote
 *           apply a peer's edit (client: their client id, "" for the server's text; author: their public author id;
 *           restore: the revision a restore brings back and the authors of what it inserts), outside undo history
 * @property {(peers: Map<string, object>) => void} peers  who is here: client -> {name, color, ranges?, readOnly?}
 * @property {(client: string, ranges: number[][]) => void} cursor  a peer's selection in local coordinates
 */

export class Session {
  /**
   * @param {object} options
   * @param {string} options.docId
   * @param {string} options.url         WebSocket address of the document
   * @param {string} options.name        display name
   * @param {EditorAdapter} options.editor
   * @param {(event: {type: string}) => void} options.notify  status and problems for the page
   * @param {Storage} [options.storage]
   * @param {string} [options.author]  this browser's author secret, sent in join
   * @param {import("./authorship-tracker.js").AuthorshipTracker} [options.authorship]  told of
   *        the welcome, the peers and every confirmed revision
   */
  constructor({ docId, url, name, editor, notify, storage = window.localStorage, author = null, authorship = null }) {
    this.docId = docId;
    this.name = name;
    this.author = author;
    this.authorship = authorship;
    this.editor = editor;
    this.notify = notify;
    this.local = new LocalCopy(docId, storage);
    this.released = false;   // the page is going away: another page load may take the edits
    this.early = null;       // edits made while client is null, on earlyBase
    this.earlyBase = "";
    this.peers = new Map();
    this.readOnly = false;
    this.cursor = null;      // our selection, to send when synchronized
    this.cursorSent = null;
    this.saveTimer = null;
    this.copyTimer = null;
    this.status = { state: "connecting" };
    this.welcomed = false;   // operations go out only between a welcome and the next disconnect
    // The state machine, once a base revision is known: another page load's unsynced edits,
    // else this browser's copy, else the server's first welcome.
    this.client = this.local.adoptUnsynced();
    if (this.client === null) {
      const copy = this.local.readCopy();
      if (copy !== null) {
        this.client = new Client({ client: randomId(16), rev: copy.rev, text: copy.text });
        this.readOnly = copy.readOnly;
      }
    }
    this.hadCopy = this.client !== null;
    this.clientId = this.client?.client ?? randomId(16);
    this.connection = new Connection(url, {
      open: () => this.#join(),
      message: (m) => this.#receive(m),
      status: (s) => {
        if (s.state !== "connected") this.#disconnected();
        this.status = s;
        this.#report();
      },
    });
    this.aliveTimer = setInterval(() => this.#markAlive(), ALIVE_EVERY_MS);
  }

  /** The text to show before the first welcome (this browser's copy with its unsynced edits), or null. */
  initialText() {
    return this.client === null ? null : this.client.text;
  }

  start() {
    this.connection.start();
  }

  /** Ends the session: closes the connection and stops its timers (unsynced edits stay stored). */
  stop() {
    this.flush();
    clearInterval(this.aliveTimer);
    clearTimeout(this.cursorTimer);
    this.connection.stop();
  }

  /** Local operations the server has not acknowledged (in flight, buffered, or made before the first welcome). */
  unsyncedCount() {
    const client = this.client;
    const pending = client === null ? 0 : client.isSynchronized() ? 0 : client.buffer === null ? 1 : 2;
    return pending + (this.early === null ? 0 : 1);
  }

  /**
   * True when an edit made now is sent alone, at once, on the revision the page has: what a
   * restore needs (it must make exactly the restored revision's text from that revision).
   */
  canRestore() {
    return this.welcomed && !this.readOnly && this.early === null && this.client !== null && this.client.isSynchronized();
  }

  /**
   * The editor changed the text: op is based on the previous editor text. restore: the
   * revision op brings back (check canRestore() first; otherwise it is an ordinary edit).
   */
  localEdit(op, { restore } = {}) {
    if (op.isIdentity()) return;
    if (this.readOnly) throw new Error("this document is read-only");
    if (this.client === null) {
      this.early = this.early === null ? op : this.early.compose(op);
    } else {
      const out = this.client.applyLocal(op, restore);
      if (out !== null) this.#send(out); // when offline, resent after the next welcome
      this.#scheduleSave();
    }
    this.#report();
  }

  /** Our selection changed ([[anchor, head], ...] in editor coordinates). */
  localCursor(ranges) {
    this.cursor = ranges;
    clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => this.#sendCursor(), CURSOR_DELAY_MS);
  }

  /** A new display name: rejoining under it is how the protocol renames (peers hear peer-joined). */
  rename(name) {
    if (name === this.name) return;
    this.name = name;
    if (this.connection.isOpen()) this.connection.restart();
  }

  /**
   * Writes what is kept now. With leaving, the page is going away: its unsynced edits are
   * released so that the next page load of this document (a reload) takes them over at once.
   */
  flush({ leaving = false } = {}) {
    // Unloading fires pagehide before visibilitychange: once released, later flushes keep it so.
    if (leaving) this.released = true;
    this.#save();
  }

  /** The page is shown again (back from the back-forward cache): it owns its edits again. */
  reclaim() {
    this.released = false;
    this.#save();
  }

  #join() {
    // batch: several waiting messages may come in one frame (PROTOCOL.md "Extension: batches").
    const join = { type: "join", client: this.clientId, name: this.name, batch: true };
    if (this.author !== null) join.author = this.author;
    if (this.client !== null) join.rev = this.client.rev;
    this.connection.send(join);
  }

  #receive(m) {
    try {
      switch (m.type) {
        case "welcome": return this.#welcome(m);
        case "op": return this.#remoteOp(m);
        case "ack": return this.#ack(m);
        case "cursor": return this.#peerCursor(m);
        case "peer-joined": {
          const known = this.peers.get(m.peer.client);
          this.peers.set(m.peer.client, { ...m.peer, ranges: known?.ranges });
          this.authorship?.peer(m.peer);
          return this.editor.peers(this.peers);
        }
        case "peer-left":
          this.peers.delete(m.client);
          return this.editor.peers(this.peers);
        case "error": return this.#error(m);
        default: return undefined; // pong, and message types of later protocol versions
      }
    } catch (e) {
      // A message we cannot apply means our state is wrong: start over from the server's.
      console.warn("resynchronising after", e);
      this.notify({ type: "problem", message: "Resynchronising with the server." });
      this.#discardStateKeepingText();
      this.connection.restart();
    }
  }

  #welcome(m) {
    this.readOnly = m.readOnly === true;
    this.welcomed = true;
    if ("text" in m) {
      this.#snapshot(m);
    } else {
      const seqBefore = this.client.nextSeq;
      for (const r of m.ops) this.#remoteOp(r);
      // Unless the catch-up acknowledged the operation in flight and sent the buffer, resend.
      if (this.client.nextSeq === seqBefore) {
        const resend = this.client.resend();
        if (resend !== null) this.#send(resend);
      }
    }
    this.authorship?.welcome(m, this.clientId);
    // Only others are peers, should the server list this connection too (to say its author id).
    const peers = m.peers.filter((p) => p.client !== this.clientId);
    this.peers = new Map(peers.map((p) => [p.client, { ...p }]));
    this.editor.peers(this.peers);
    for (const p of peers) {
      if (p.ranges) this.editor.cursor(p.client, this.client.transformCursor(p.ranges));
    }
    this.connection.healthy();
    this.cursorSent = null;
    this.#sendCursor();
    this.#save();
    this.notify({ type: "welcome", readOnly: this.readOnly, rev: m.rev, newToThisBrowser: !this.hadCopy && m.rev === 0 });
    this.#report();
  }

  /** A welcome with the whole text: the base of everything from here on. */
  #snapshot(m) {
    if (this.client !== null && !this.client.isSynchronized()) {
      // The server cannot give us the history to rebase on: keep the person's words safe.
      this.notify({ type: "conflict", text: this.editor.text() });
    }
    const nextSeq = this.client?.nextSeq ?? 1;
    this.client = new Client({ client: this.clientId, rev: m.rev, text: m.text, nextSeq });
    const early = this.early;
    this.early = null;
    if (early !== null && !this.readOnly) {
      // Place the early edits after the server's text, as if the server's came first.
      const serverOp = new TextOperation().insert(m.text).delete(this.earlyBase.length);
      const [serverPast, earlyPast] = transform(serverOp, early);
      this.editor.applyRemote(serverPast, "");
      this.localEdit(earlyPast);
    } else if (this.editor.text() !== m.text) {
      this.editor.reset(m.text);
    }
  }

  #remoteOp(m) {
    const op = m.ops instanceof TextOperation ? m.ops : TextOperation.fromWire(m.ops);
    const sent = this.client.outstanding;
    const { operation, send, acknowledged } = this.client.applyRemote(m.rev, m.client, m.seq, op);
    this.authorship?.confirmed(acknowledged
      ? { rev: m.rev, op, author: m.author ?? this.authorship.own, restore: m.restore ?? sent.restore, inserted: m.inserted }
      : { rev: m.rev, op, author: m.author, restore: m.restore, inserted: m.inserted });
    if (acknowledged) {
      this.#acknowledged(send);
      return;
    }
    const restore = Array.isArray(m.inserted) ? { rev: m.restore, inserted: m.inserted } : undefined;
    if (!operation.isIdentity()) this.editor.applyRemote(operation, m.client, m.author, restore);
    this.#scheduleSave();
  }

  #ack(m) {
    const sent = this.client.outstanding;
    const inFlight = sent !== null && sent.seq === m.seq;
    const next = this.client.ack(m.rev, m.seq);
    if (!inFlight) return; // a repeated ack
    this.authorship?.confirmed({ rev: m.rev, op: sent.op, author: this.authorship.own, restore: sent.restore });
    this.#acknowledged(next);
  }

  #acknowledged(next) {
    if (next !== null) {
      this.#send(next);
      this.#scheduleSave();
    } else {
      this.#sendCursor();
      this.#save(); // everything is confirmed: nothing to keep, at once
    }
    this.#report();
  }

  #peerCursor(m) {
    if (m.rev !== this.client.rev) return; // stale: a newer one follows
    const peer = this.peers.get(m.client);
    if (peer) peer.ranges = m.ranges;
    this.editor.cursor(m.client, this.client.transformCursor(m.ranges));
  }

  /** Not connected: nobody is known to be here, and nobody's caret is known to be where it was. */
  #disconnected() {
    this.welcomed = false;
    if (this.peers.size > 0) {
      this.peers = new Map();
      this.editor.peers(this.peers);
    }
  }

  #error(m) {
    this.notify({ type: "error", code: m.code, message: m.message });
    if (m.code === "bad-op" || m.code === "too-large") {
      // The server will refuse this edit however often it is sent: give it up, keep the
      // text the person sees, and start again from the server's state.
      this.#discardStateKeepingText();
    }
  }

  #discardStateKeepingText() {
    this.notify({ type: "conflict", text: this.editor.text() });
    this.client = null;
    this.early = null;
    this.earlyBase = this.editor.text();
    this.local.dropUnsynced();
  }

  #send(message) {
    if (this.welcomed) this.connection.send(message);
  }

  #sendCursor() {
    if (!this.welcomed || this.readOnly || this.client === null || !this.client.isSynchronized() || this.cursor === null) return;
    const ranges = this.cursor;
    if (JSON.stringify(ranges) === JSON.stringify(this.cursorSent)) return;
    if (this.connection.send({ type: "cursor", rev: this.client.rev, ranges })) this.cursorSent = ranges;
  }

  #scheduleSave() {
    if (this.client !== null && this.client.isSynchronized()) {
      // Only the confirmed copy changes: it is kept less often, it can be large.
      if (this.copyTimer === null) this.copyTimer = setTimeout(() => this.#save(), COPY_DELAY_MS);
      return;
    }
    if (this.saveTimer === null) this.saveTimer = setTimeout(() => this.#save(), SAVE_DELAY_MS);
  }

  /** Keeps unsynced edits, or the confirmed copy once everything is acknowledged. */
  #save() {
    clearTimeout(this.saveTimer);
    clearTimeout(this.copyTimer);
    this.saveTimer = this.copyTimer = null;
    if (this.client === null) return;
    try {
      this.local.saveUnsynced(this.client, { released: this.released });
      if (this.client.isSynchronized() && this.welcomed) this.local.saveCopy(this.client.rev, this.client.text, this.readOnly);
    } catch (e) {
      this.notify({ type: "problem", message: "Unsynced edits could not be saved in this browser: " + e.message });
    }
  }

  #markAlive() {
    if (this.client !== null && !this.client.isSynchronized()) this.#save();
  }

  #report() {
    this.notify({ type: "status", ...this.status, unsynced: this.unsyncedCount() });
  }
}
