// Editing help for Markdown: the toolbar's commands with their shortcuts (Ctrl-B, Ctrl-I,
// Ctrl-K ...), and Enter continuing a list, a task list or a quote. Each command is one
// transaction, so Ctrl-Z takes it back in one step and peers see one edit.

import { EditorSelection, Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { continuation } from "./markdown-text.js";

function continueMarkup(view) {
  const { state } = view;
  if (state.readOnly || state.selection.ranges.length !== 1 || !state.selection.main.empty) return false;
  const pos = state.selection.main.head;
  const line = state.doc.lineAt(pos);
  const what = continuation(line.text.slice(0, pos - line.from));
  if (what === null) return false;
  if (what.clear !== undefined) {
    view.dispatch({ changes: { from: line.from, to: line.from + what.clear }, userEvent: "input", scrollIntoView: true });
  } else {
    view.dispatch(state.replaceSelection(what.insert), { userEvent: "input", scrollIntoView: true });
  }
  return true;
}

/** Wraps each selection in mark (or unwraps it when already wrapped); an empty one gets the mark around the caret. */
function wrap(mark) {
  return (view) => {
    if (view.state.readOnly) return false;
    view.dispatch(view.state.changeByRange((range) => {
      const { doc } = view.state;
      const before = doc.sliceString(range.from - mark.length, range.from);
      const after = doc.sliceString(range.to, range.to + mark.length);
      if (before === mark && after === mark) {
        return {
          changes: [{ from: range.from - mark.length, to: range.from }, { from: range.to, to: range.to + mark.length }],
          range: EditorSelection.range(range.from - mark.length, range.to - mark.length),
        };
      }
      return {
        changes: [{ from: range.from, insert: mark }, { from: range.to, insert: mark }],
        range: EditorSelection.range(range.from + mark.length, range.to + mark.length),
      };
    }), { userEvent: "input", scrollIntoView: true });
    view.focus();
    return true;
  };
}

/** Puts prefix at the start of every selected line, or takes it away when each already has it. */
function linePrefix(prefix, existing = null) {
  return (view) => {
    if (view.state.readOnly) return false;
    const { state } = view;
    const lines = new Map();
    for (const range of state.selection.ranges) {
      for (let n = state.doc.lineAt(range.from).number; n <= state.doc.lineAt(range.to).number; n++) lines.set(n, state.doc.line(n));
    }
    const all = [...lines.values()];
    const has = all.every((line) => line.text.startsWith(prefix));
    const changes = all.map((line) => {
      if (has) return { from: line.from, to: line.from + prefix.length };
      const old = existing?.exec(line.text);
      return { from: line.from, to: line.from + (old ? old[0].length : 0), insert: prefix };
    });
    const changeSet = state.changes(changes);
    // A caret at the start of a line stays after the new prefix, ready to type.
    view.dispatch({ changes: changeSet, selection: state.selection.map(changeSet, 1), userEvent: "input", scrollIntoView: true });
    view.focus();
    return true;
  };
}

const MARKERS = /^(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)/;

/** [text](url) around the selection, with "url" selected to be typed over. */
function link(view) {
  if (view.state.readOnly) return false;
  view.dispatch(view.state.changeByRange((range) => {
    const label = view.state.sliceDoc(range.from, range.to) || "text";
    const insert = `[${label}](url)`;
    const urlAt = range.from + label.length + 3;
    return { changes: { from: range.from, to: range.to, insert }, range: EditorSelection.range(urlAt, urlAt + 3) };
  }), { userEvent: "input", scrollIntoView: true });
  view.focus();
  return true;
}

/** The toolbar's commands, by name, with their shortcut (CodeMirror key notation) and label. */
export const COMMANDS = {
  bold: { run: wrap("**"), key: "Mod-b", label: "Bold" },
  italic: { run: wrap("_"), key: "Mod-i", label: "Italic" },
  heading: { run: linePrefix("## ", MARKERS), key: "Mod-Alt-2", label: "Heading" },
  list: { run: linePrefix("- ", MARKERS), key: "Mod-Shift-8", label: "Bulleted list" },
  task: { run: linePrefix("- [ ] ", MARKERS), key: "Mod-Shift-9", label: "Task list" },
  link: { run: link, key: "Mod-k", label: "Link" },
  code: { run: wrap("`"), key: "Mod-e", label: "Code" },
  quote: { run: linePrefix("> "), key: "Mod-Shift-.", label: "Quote" },
};

/** The editing keys, ahead of CodeMirror's own (its Mod-i selects the parent syntax node). */
export function editingKeymap() {
  return Prec.high(keymap.of([
    { key: "Enter", run: continueMarkup },
    ...Object.values(COMMANDS).map(({ run, key }) => ({ key, run, preventDefault: true })),
  ]));
}
