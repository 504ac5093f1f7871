// Names: the default display name of someone who has not chosen one, this browser's author
// secret, and the file name a document is downloaded under.

export const AUTHOR_SECRET_KEY = "concord.author";

const ADJECTIVES = ["Amber", "Brave", "Calm", "Clever", "Curious", "Eager", "Gentle", "Happy", "Kind", "Lively",
  "Lucky", "Merry", "Nimble", "Patient", "Quiet", "Rapid", "Steady", "Sunny", "Swift", "Witty"];
const ANIMALS = ["Badger", "Beaver", "Crane", "Dolphin", "Falcon", "Fox", "Hedgehog", "Heron", "Koala", "Lynx",
  "Marten", "Otter", "Owl", "Panda", "Puffin", "Robin", "Seal", "Squirrel", "Swan", "Wren"];

/** A friendly name such as "Curious Otter", for someone who has not given theirs. */
export function defaultName(random = Math.random) {
  const pick = (list) => list[Math.floor(random() * list.length) % list.length];
  return `${pick(ADJECTIVES)} ${pick(ANIMALS)}`;
}

/**
 * This browser's author secret (docs/PROTOCOL.md "Authorship"): 192 random bits, base64url,
 * made once and kept in storage. It goes in join and nowhere else: the server shows others a
 * public id derived from it, so it is never displayed. Null when storage cannot keep it (then
 * every page load would be a new author: the server's author per client is as good).
 */
export function authorSecret(storage = globalThis.localStorage) {
  try {
    let secret = storage.getItem(AUTHOR_SECRET_KEY);
    if (!/^[A-Za-z0-9_-]{22,128}$/.test(secret ?? "")) {
      const bytes = crypto.getRandomValues(new Uint8Array(24));
      secret = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      storage.setItem(AUTHOR_SECRET_KEY, secret);
    }
    return secret;
  } catch {
    return null;
  }
}

/**
 * The file name (without extension) for a document titled title: the title as written,
 * dashes and accents included, without the characters file systems refuse, with runs of
 * spaces made one; the document id when nothing is left.
 */
export function fileNameFor(title, docId) {
  const name = String(title ?? "")
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+|\.+$/g, "")
    .trim();
  return [...name].slice(0, 80).join("").trim() || docId;
}

/** The title of a document: its first line without Markdown heading marks, or "" when that is empty. */
export function titleOf(text) {
  const end = text.indexOf("\n");
  return (end < 0 ? text : text.slice(0, end)).replace(/^\s*#+\s*/, "").trim().slice(0, 80);
}
