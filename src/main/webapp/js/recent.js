// Documents opened on this device, kept in localStorage under "concord.recent" as
// [{id, title?, openedAt, editedAt?}] (milliseconds since the epoch; editedAt: when the text
// last changed while open here), newest first.
// Storage may be missing, full or hold anything: reads never throw, writes are best effort.

import {DOC_ID} from "./doc-id.js";
import {forgetCopy} from "./local-copy.js";

export const RECENT_KEY = "concord.recent";
export const MAX_RECENT = 20;

/** The remembered documents, newest first; entries that are not well formed are left out. */
export function readRecent(storage = globalThis.localStorage) {
  let entries;
  try {
    entries = JSON.parse(storage?.getItem(RECENT_KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries
    .filter(e => e && typeof e.id === "string" && DOC_ID.test(e.id))
    .map(e => ({
      id: e.id,
      title: typeof e.title === "string" && e.title.trim() ? e.title.trim() : undefined,
      openedAt: Number.isFinite(e.openedAt) ? e.openedAt : 0,
      editedAt: Number.isFinite(e.editedAt) ? e.editedAt : undefined,
    }))
    .sort((a, b) => b.openedAt - a.openedAt);
}

/** Puts a document first in the list (keeping its known title unless a new one is given). */
export function rememberDocument(id, title, storage = globalThis.localStorage, now = Date.now()) {
  if (!DOC_ID.test(id)) return;
  const others = readRecent(storage);
  const known = others.find(e => e.id === id);
  const entry = {id, title: title || known?.title, openedAt: now, editedAt: known?.editedAt};
  const list = [entry, ...others.filter(e => e.id !== id)].slice(0, MAX_RECENT);
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // Private mode or a full quota: the list is a convenience, not data.
  }
}

/** Notes that the text of a document on the list changed now. */
export function rememberEdit(id, storage = globalThis.localStorage, now = Date.now()) {
  const list = readRecent(storage);
  const entry = list.find(e => e.id === id);
  if (!entry) return;
  entry.editedAt = now;
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // as above
  }
}

/** Takes a document off the list (and forgets this browser's copy of its text). */
export function forgetRecent(id, storage = globalThis.localStorage) {
  const list = readRecent(storage).filter(e => e.id !== id);
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // as above
  }
  forgetCopy(id, storage);
}

/** The entries whose title or id contains query (any case); all of them for an empty query. */
export function searchRecent(entries, query) {
  const q = String(query ?? "").trim().toLocaleLowerCase();
  if (!q) return entries;
  return entries.filter(e => (e.title ?? "").toLocaleLowerCase().includes(q) || e.id.toLocaleLowerCase().includes(q));
}
