// What this browser keeps of one document between page loads, in localStorage:
//
//   concord.unsynced.<doc>  edits the server has not acknowledged: the client state machine
//                           (Client.toJSON: revision, local text, next seq, the operation in
//                           flight and the buffer), the page that owns it and when that page was
//                           last alive. A later page load adopts it once that page is gone
//                           (closed, reloaded, crashed) and resends the edits with their
//                           original seq, which the server applies once.
//   concord.copy.<doc>      the text at the last revision this browser saw confirmed, and
//                           whether its link is read-only: a document opened before opens, and
//                           can be edited, with no connection.
//
// Reads never throw (storage may be missing or hold anything); writes throw when the storage
// refuses them (full, private mode), for the caller to tell the person.

import { Client } from "./client.js";
import { randomId } from "./doc-id.js";

export const UNSYNCED_PREFIX = "concord.unsynced.";
export const COPY_PREFIX = "concord.copy.";
/** A record whose page has not said it is alive for this long belongs to a page that is gone. */
export const ABANDONED_AFTER_MS = 6_000;

export class LocalCopy {
  /**
   * @param {string} docId
   * @param {Storage} storage
   * @param {{owner?: string, now?: () => number}} [options] owner: this page's id
   */
  constructor(docId, storage, { owner = randomId(12), now = Date.now } = {}) {
    this.unsyncedKey = UNSYNCED_PREFIX + docId;
    this.copyKey = COPY_PREFIX + docId;
    this.storage = storage;
    this.owner = owner;
    this.now = now;
  }

  /**
   * Another page's unsynced edits of this document, as the Client that made them, unless
   * that page is still alive (another tab: its edits stay its own). A record that cannot be
   * read back is removed.
   */
  adoptUnsynced() {
    const stored = this.#read(this.unsyncedKey);
    if (stored === null) return null;
    if (this.now() - (Number(stored.aliveAt) || 0) < ABANDONED_AFTER_MS) return null;
    try {
      return Client.fromJSON(stored);
    } catch {
      this.storage?.removeItem(this.unsyncedKey);
      return null;
    }
  }

  /**
   * Keeps client's unacknowledged edits, owned by this page; with released, the page is going
   * away and the next page load may adopt them at once. A client with nothing pending removes
   * the record.
   */
  saveUnsynced(client, { released = false } = {}) {
    if (client === null || client.isSynchronized()) {
      this.dropUnsynced();
      return;
    }
    this.storage.setItem(this.unsyncedKey, JSON.stringify({
      ...client.toJSON(),
      owner: this.owner,
      aliveAt: released ? 0 : this.now(),
    }));
  }

  dropUnsynced() {
    this.storage?.removeItem(this.unsyncedKey);
  }

  /** The confirmed copy, {rev, text, readOnly}, or null when there is none. */
  readCopy() {
    const stored = this.#read(this.copyKey);
    if (stored === null || !Number.isInteger(stored.rev) || stored.rev < 0 || typeof stored.text !== "string") return null;
    return { rev: stored.rev, text: stored.text, readOnly: stored.readOnly === true };
  }

  /** Keeps the text the server has at rev (nothing older replaces something newer). */
  saveCopy(rev, text, readOnly) {
    const known = this.readCopy();
    if (known !== null && known.rev > rev) return;
    this.storage.setItem(this.copyKey, JSON.stringify({ rev, text, readOnly, savedAt: this.now() }));
  }

  #read(key) {
    try {
      const value = JSON.parse(this.storage?.getItem(key) ?? "null");
      return value !== null && typeof value === "object" ? value : null;
    } catch {
      return null;
    }
  }
}

/** Forgets this browser's copy of a document; its unsynced edits, if any, are kept to be sent. */
export function forgetCopy(docId, storage = globalThis.localStorage) {
  try {
    storage?.removeItem(COPY_PREFIX + docId);
  } catch {
    // nothing kept, nothing to forget
  }
}
