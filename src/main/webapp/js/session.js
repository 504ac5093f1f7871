// One person's editing session on one document: the OT client state machine, the
// connection, presence, and the promise that no keystroke is lost. Edits the server has not
// acknowledged are kept in localStorage, so that closing the tab or reloading while offline
// loses nothing: the next page load of the document adopts them, rebases them on whatever
// happened meanwhile, and sends them with their original seq (the server applies each once).
//
// The session never touches the editor directly: it calls the editor adapter it is given.

import { TextOperation } from "./ot.js";
import { Client } from "./client.js";
import { Connection } from "./connection.js";

const STORAGE_PREFIX = "concord.unsynced.";
const ALIVE_EVERY_MS = 2_000;
const ABANDONED_AFTER_MS = 6_000;
const CURSOR_DELAY_MS = 50;

/**
 * @typedef {object} EditorAdapter
 * @property {() => string} text                      the editor's current text
 * @property {(text: string) => void} reset            replace everything (a snapshot), outside undo history
 * @property {(op: TextOperation, author: string) => void} applyRemote  apply a peer's edit, outside undo history
 * @property {(peers: Map<string, object>) => void} peers  who is here: client -> {name, color, ranges?}
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
   */
  constructor({ docId, url, name, editor, notify, storage = window.localStorage }) {
    this.docId = docId;
    this.name = name;
    this.editor = editor;
    this.notify = notify;
    this.storage = storage;
    this.key = STORAGE_PREFIX + docId;
    this.owner = randomId(12);
    this.released = false;   // the page is going away: another page load may take the edits
    this.client = null;      // Client state machine, from the first welcome on
    this.confirmed = "";     // the text at client.rev: what the server has
    this.peers = new Map();
    this.readOnly = false;
    this.editsInFlight = 0;  // local edits carried by the operation in flight
    this.editsBuffered = 0;  // local edits waiting in the buffer
    this.cursor = null;      // our selection, to send when synchronized
    this.cursorSent = null;
    this.saveTimer = null;
    this.status = { state: "connecting" };
    this.welcomed = false;   // operations go out only between a welcome and the next disconnect
    const adopted = this.#adoptUnsynced();
    this.clientId = adopted?.client ?? randomId(16);
    if (adopted) {
      this.client = Client.fromJSON(adopted);
      this.confirmed = adopted.confirmed;
      this.editsInFlight = adopted.edits ?? 1;
      this.resumed = true;
    }
    this.connection = new Connection(url, {
      open: () => this.#join(),
      message: (m) => this.#receive(m),
      status: (s) => {
        if (s.state !== "connected") this.welcomed = false;
        this.status = s;
        this.#report();
      },
    });
    this.aliveTimer = setInterval(() => this.#markAlive(), ALIVE_EVERY_MS);
  }

  /** The text to show before the first welcome: the stored unsynced edits applied to what the server had. */
  initialText() {
    if (this.client === null) return null;
    const pending = this.client.pending();
    return pending === null ? this.confirmed : pending.apply(this.confirmed);
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

  /** Local edits the server has not acknowledged. */
  unsyncedCount() {
    return this.editsInFlight + this.editsBuffered;
  }

  /** The editor changed the text: op is based on the previous editor text. */
  localEdit(op) {
    if (op.isIdentity()) return;
    if (this.client === null || this.readOnly) {
      throw new Error(this.readOnly ? "this document is read-only" : "not ready for edits yet");
    }
    const out = this.client.applyLocal(op);
    if (out !== null) {
      this.editsInFlight = 1;
      this.#send(out); // when offline, resent after the next welcome
    } else {
      this.editsBuffered++;
    }
    this.#scheduleSave();
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
   * Writes unsynced edits now. With leaving, the page is going away: its record is released
   * so that the next page load of this document (a reload) takes the edits over at once.
   */
  flush({ leaving = false } = {}) {
    // Unloading fires pagehide before visibilitychange: once released, later flushes keep it so.
    if (leaving) this.released = true;
    clearTimeout(this.saveTimer);
    this.#save();
  }

  /** The page is shown again (back from the back-forward cache): it owns its edits again. */
  reclaim() {
    this.released = false;
    this.#save();
  }

  #join() {
    const join = { type: "join", client: this.clientId, name: this.name };
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
    if ("text" in m) {
      const pending = this.client?.pending() ?? null;
      if (pending !== null) {
        // The server cannot give us the history to rebase on: keep the person's words safe.
        this.notify({ type: "conflict", text: this.editor.text() });
      }
      const nextSeq = this.client?.nextSeq ?? 1;
      this.client = new Client({ client: this.clientId, rev: m.rev, nextSeq });
      this.confirmed = m.text;
      this.editsInFlight = this.editsBuffered = 0;
      if (this.editor.text() !== m.text) this.editor.reset(m.text);
    } else {
      for (const r of m.ops) this.#remoteOp({ ...r, ops: r.ops });
      this.welcomed = true;
      const resend = this.client.resend();
      if (resend !== null) this.#send(resend);
    }
    this.welcomed = true;
    this.peers = new Map(m.peers.map((p) => [p.client, { ...p, ranges: p.ranges }]));
    this.editor.peers(this.peers);
    for (const p of m.peers) {
      if (p.ranges) this.editor.cursor(p.client, this.client.toLocalRanges(p.ranges));
    }
    this.connection.healthy();
    this.cursorSent = null;
    this.#sendCursor();
    this.#scheduleSave();
    this.notify({ type: "welcome", readOnly: this.readOnly, rev: m.rev });
    this.#report();
  }

  #remoteOp(m) {
    const op = m.ops instanceof TextOperation ? m.ops : TextOperation.fromWire(m.ops);
    const inFlight = this.client.outstanding;
    const { apply, send } = this.client.applyRemote(m.rev, m.client, m.seq, op);
    if (m.client === this.clientId && inFlight !== null && m.seq === inFlight.seq) {
      // our own in-flight operation, seen in a catch-up: it is the acknowledgement
      this.confirmed = inFlight.op.apply(this.confirmed);
      this.#acknowledged(send);
      return;
    }
    this.confirmed = op.apply(this.confirmed);
    if (apply !== null && !apply.isIdentity()) this.editor.applyRemote(apply, m.client);
    if (this.client.outstanding !== null) this.#scheduleSave();
  }

  #ack(m) {
    const inFlight = this.client.outstanding;
    const next = this.client.ack(m.rev, m.seq);
    if (inFlight === null || inFlight.seq !== m.seq) return; // a repeated ack
    this.confirmed = inFlight.op.apply(this.confirmed);
    this.#acknowledged(next);
  }

  #acknowledged(next) {
    if (next !== null) {
      this.editsInFlight = this.editsBuffered;
      this.editsBuffered = 0;
      this.#send(next);
      this.#scheduleSave();
    } else {
      this.editsInFlight = this.editsBuffered = 0;
      this.#sendCursor();
      this.flush(); // everything is confirmed: nothing to keep, at once
    }
    this.#report();
  }

  #peerCursor(m) {
    if (m.rev !== this.client.rev) return; // stale: a newer one follows
    const peer = this.peers.get(m.client);
    if (peer) peer.ranges = m.ranges;
    this.editor.cursor(m.client, this.client.toLocalRanges(m.ranges));
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
    this.editsInFlight = this.editsBuffered = 0;
    this.storage.removeItem(this.key);
  }

  #send(message) {
    if (this.welcomed) this.connection.send(message);
  }

  #sendCursor() {
    if (!this.welcomed || this.client === null || !this.client.isSynchronized() || this.cursor === null) return;
    const ranges = this.cursor;
    if (JSON.stringify(ranges) === JSON.stringify(this.cursorSent)) return;
    if (this.connection.send({ type: "cursor", rev: this.client.rev, ranges })) this.cursorSent = ranges;
  }

  #scheduleSave() {
    if (this.saveTimer !== null) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      this.#save();
    }, 200);
  }

  /** Keeps unsynced edits in localStorage, or removes the record once everything is acknowledged. */
  #save() {
    this.saveTimer = null;
    const aliveAt = this.released ? 0 : Date.now();
    try {
      if (this.client === null || this.client.isSynchronized()) {
        this.storage.removeItem(this.key);
        return;
      }
      this.storage.setItem(this.key, JSON.stringify({
        ...this.client.toJSON(),
        confirmed: this.confirmed,
        edits: this.unsyncedCount(),
        owner: this.owner,
        aliveAt,
      }));
    } catch (e) {
      this.notify({ type: "problem", message: "Unsynced edits could not be saved in this browser: " + e.message });
    }
  }

  #markAlive() {
    if (this.client !== null && !this.client.isSynchronized()) this.#save();
  }

  /** Takes over another page's unsynced edits of this document, unless that page is still open. */
  #adoptUnsynced() {
    let stored;
    try {
      stored = JSON.parse(this.storage.getItem(this.key) ?? "null");
    } catch {
      return null;
    }
    if (stored === null || typeof stored.confirmed !== "string") return null;
    if (Date.now() - (stored.aliveAt ?? 0) < ABANDONED_AFTER_MS) return null; // another tab owns it
    try {
      Client.fromJSON(stored).pending()?.apply(stored.confirmed);
    } catch {
      this.storage.removeItem(this.key);
      return null;
    }
    return stored;
  }

  #report() {
    this.notify({ type: "status", ...this.status, unsynced: this.unsyncedCount() });
  }
}

export function randomId(length) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b & 63]).join("");
}
