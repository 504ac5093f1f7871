// Markdown source text, read line by line without a parser and without the editor: task
// list items and what Enter continues.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
// Quote marks, then a list marker, then the box: "[ ]", "[x]" or "[X]" followed by a space or the end.
const TASK = /^((?:[ \t]*>)*[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[)([ xX])\](?=[ \t]|$)/;

/**
 * Every task marker ("- [ ] to do", "- [x] done") in document order, which is the order the
 * preview renders their checkboxes in: ticking the nth box edits the nth marker. Lines inside
 * fenced code blocks are not items. {at, checked}: at is the offset of the character between the brackets.
 */
export function taskMarkers(text) {
  const markers = [];
  let fence = null;
  let lineStart = 0;
  for (const line of text.split("\n")) {
    const f = FENCE.exec(line);
    if (fence !== null) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && /^\s*$/.test(line.slice(f[0].length))) fence = null;
    } else if (f) {
      fence = f[1];
    } else {
      const m = TASK.exec(line);
      if (m) markers.push({ at: lineStart + m[1].length, checked: m[2] !== " " });
    }
    lineStart += line.length + 1;
  }
  return markers;
}

/** The change that ticks (or unticks) the index-th task of text, as {from, to, insert}; null when there is none. */
export function toggleTask(text, index, checked) {
  const marker = taskMarkers(text)[index];
  if (marker === undefined) return null;
  return { from: marker.at, to: marker.at + 1, insert: checked ? "x" : " " };
}

const LIST_ITEM = /^(\s*(?:>\s?)*)(?:([-*+])|(\d{1,9})([.)]))(\s+)(\[[ xX]\]\s+)?/;
const QUOTE_ONLY = /^(\s*(?:>\s?)+)/;

/**
 * What Enter does at the end of line (text before the caret): continue a list item, task or
 * quote with the next marker ({insert}), or end the list when the item is empty ({clear}:
 * the marker is removed). Null: an ordinary newline.
 */
export function continuation(line) {
  const item = LIST_ITEM.exec(line);
  if (item) {
    const [marker, prefix, bullet, number, delimiter, space, box] = item;
    if (line.slice(marker.length).trim() === "") return { clear: marker.length };
    const next = bullet ?? `${Number(number) + 1}${delimiter}`;
    return { insert: `\n${prefix}${next}${space}${box ? "[ ] " : ""}` };
  }
  const quote = QUOTE_ONLY.exec(line);
  if (quote) {
    if (line.slice(quote[0].length).trim() === "") return { clear: quote[0].length };
    return { insert: `\n${quote[0].endsWith(" ") ? quote[0] : quote[0] + " "}` };
  }
  return null;
}

/** The line numbers (1-based) of ATX headings ("# Title"), outside fenced code, in order. */
export function headingLines(text) {
  const lines = [];
  let fence = null;
  text.split("\n").forEach((line, i) => {
    const f = FENCE.exec(line);
    if (fence !== null) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
    } else if (f) {
      fence = f[1];
    } else if (/^ {0,3}#{1,6}(?:[ \t]|$)/.test(line)) {
      lines.push(i + 1);
    }
  });
  return lines;
}
