// Names: the default display name of someone who has not chosen one, and the file name a
// document is downloaded under.

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
