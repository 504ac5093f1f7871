// Deleted documents, kept in this browser for a while so that a deletion can be undone:
// localStorage "concord.deleted" holds [{id, title, text, deletedAt}], newest first.
// Deleting a document empties it for everyone (an ordinary edit: the server keeps its
// history); undoing writes the text back into it, if nobody has written there since.

import { DOC_ID } from "./doc-id.js";

export const DELETED_KEY = "concord.deleted";
/** How long a deletion can be undone. */
export const UNDO_FOR_MS = 7 * 24 * 3600 * 1000;

/** The deletions that can still be undone, newest first. */
export function readDeleted(storage = globalThis.localStorage, now = Date.now()) {
  let entries;
  try {
    entries = JSON.parse(storage?.getItem(DELETED_KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(entries)) return [];
  return entries.filter((e) => e && typeof e.id === "string" && DOC_ID.test(e.id) && typeof e.text === "string"
    && Number.isFinite(e.deletedAt) && now - e.deletedAt < UNDO_FOR_MS)
    .map((e) => ({ id: e.id, title: typeof e.title === "string" ? e.title : e.id, text: e.text, deletedAt: e.deletedAt }));
}

function write(entries, storage) {
  storage.setItem(DELETED_KEY, JSON.stringify(entries));
}

/** Keeps a document's text before it is deleted (throws when the browser cannot keep it: then do not delete). */
export function rememberDeleted(id, title, text, storage = globalThis.localStorage, now = Date.now()) {
  write([{ id, title, text, deletedAt: now }, ...readDeleted(storage, now).filter((e) => e.id !== id)], storage);
}

/** The deletion of id, removed from the list (null when there is none to undo). */
export function takeDeleted(id, storage = globalThis.localStorage, now = Date.now()) {
  const entries = readDeleted(storage, now);
  const entry = entries.find((e) => e.id === id) ?? null;
  try {
    write(entries.filter((e) => e.id !== id), storage);
  } catch {
    // the list is rewritten next time
  }
  return entry;
}
