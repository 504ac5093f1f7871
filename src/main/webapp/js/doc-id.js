// Document ids and the links that carry them (/d/{id}).

/** A document id as the protocol defines it: [A-Za-z0-9_-]{1,64}. */
export const DOC_ID = /^[A-Za-z0-9_-]{1,64}$/;

const DOC_PATH = /(?:^|\/)d\/([A-Za-z0-9_-]{1,64})\/?$/;

/**
 * The document id in what a person pasted: a bare id, or a link whose path ends in /d/{id}
 * (with or without scheme and host; query and fragment are ignored). Null when there is none.
 */
export function documentIdFrom(text, base = "http://localhost/") {
  const value = String(text ?? "").trim();
  if (DOC_ID.test(value)) return value;
  if (!value || /\s/.test(value)) return null;
  let url;
  try {
    url = new URL(value, base);
  } catch {
    return null;
  }
  const match = DOC_PATH.exec(url.pathname);
  return match ? match[1] : null;
}

/** The page of a document, relative to the server's root. */
export function documentPath(id) {
  return "/d/" + encodeURIComponent(id);
}

/** A random id of length characters from the protocol's id alphabet (client ids, page ids). */
export function randomId(length) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b & 63]).join("");
}
