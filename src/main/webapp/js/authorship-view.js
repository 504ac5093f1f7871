// Authorship in the editor: the runs of the text the editor shows, kept through every
// transaction (this person's edits by their own author id, a peer's by theirs, a restore's
// inserts by the authors they had), and, when the person turns it on, the text tinted in
// each author's colour with who wrote it (and when) on hover. The tracker
// (authorship-tracker.js) puts runs in place whenever they are learnt afresh (a welcome, an
// answer from the server); between those, the editor keeps them itself.

import { Facet, RangeSetBuilder, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, hoverTooltip } from "@codemirror/view";
import { changesToOperation, editAuthor, remoteAuthor, restoring } from "./collab-editor.js";
import { UNKNOWN_AUTHOR, applyOperation, authorsIn, forEachRun, runsLength } from "./authorship.js";

const setRuns = StateEffect.define();
const setShown = StateEffect.define();

/** What the extension asks of the page: see authorship(). */
const config = Facet.define({ combine: (values) => values[0] });

const field = StateField.define({
  create: () => ({ runs: null, shown: false }),
  update(value, tr) {
    let { runs, shown } = value;
    if (tr.docChanged && runs !== null) runs = runsAfter(runs, tr, tr.state.facet(config).own);
    for (const effect of tr.effects) {
      if (effect.is(setRuns)) runs = effect.value !== null && runsLength(effect.value) === tr.state.doc.length ? effect.value : null;
      else if (effect.is(setShown)) shown = effect.value;
    }
    return runs === value.runs && shown === value.shown ? value : { runs, shown };
  },
});

const marks = ViewPlugin.fromClass(class {
  constructor(view) {
    this.decorations = tint(view);
  }

  update(u) {
    if (u.docChanged || u.viewportChanged || u.startState.field(field) !== u.state.field(field)) this.decorations = tint(u.view);
  }
}, { decorations: (plugin) => plugin.decorations });

const hover = hoverTooltip((view, pos, side) => {
  const { runs, shown } = view.state.field(field);
  if (!shown || runs === null) return null;
  const at = side < 0 ? pos - 1 : pos;
  let start = 0;
  for (const [length, author] of runs) {
    if (at >= start && at < start + length) {
      const { describe, when } = view.state.facet(config);
      return { pos: start, end: start + length, above: true, create: () => ({ dom: authorCard(describe(author), when(author)) }) };
    }
    start += length;
  }
  return null;
}, { hoverTime: 250 });

/**
 * The editor extension.
 * @param {object} o
 * @param {() => string|null} o.own   this person's author id
 * @param {(id: string) => {name: string, color: string|null, you: boolean}} o.describe
 * @param {(id: string) => string} o.when  when that author wrote, in words ("" when not known)
 */
export function authorship({ own, describe, when }) {
  return [config.of({ own, describe, when }), field, marks, hover];
}

/** Puts runs in place (null: not known); they must cover the editor's text, else they are taken as not known. */
export function putRuns(view, runs) {
  view.dispatch({ effects: setRuns.of(runs) });
}

/** Turns the authors' colours (and hovering) on or off. */
export function showAuthors(view, on) {
  view.dispatch({ effects: setShown.of(on) });
}

/** The runs of the editor's text, or null when not known. */
export function runsOf(state) {
  return state.field(field, false)?.runs ?? null;
}

/** Who wrote the selected text: [[authorId, code units], ...], most first; null when not known. */
export function selectionAuthors(state) {
  const runs = runsOf(state);
  if (runs === null) return null;
  const counts = new Map();
  for (const range of state.selection.ranges) {
    for (const [author, n] of authorsIn(runs, range.from, range.to)) counts.set(author, (counts.get(author) ?? 0) + n);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/** The runs after a transaction: a restore's inserts by their authors, a peer's edit by its author, this person's by their own id. */
function runsAfter(runs, tr, own) {
  const client = tr.annotation(remoteAuthor);
  if (client === "") return null; // the server's text put in place: its runs come with the welcome
  const inserted = tr.annotation(restoring)?.inserted;
  const author = inserted ? { inserted } : client !== undefined ? tr.annotation(editAuthor) ?? UNKNOWN_AUTHOR : own() ?? UNKNOWN_AUTHOR;
  try {
    return applyOperation(runs, changesToOperation(tr.changes, tr.startState.doc.length), author);
  } catch {
    return null;
  }
}

/** The visible text tinted by author. */
function tint(view) {
  const { runs, shown } = view.state.field(field);
  const { describe } = view.state.facet(config);
  if (!shown || runs === null) return Decoration.none;
  const marks = new Map();
  const mark = (author) => {
    if (!marks.has(author)) {
      const { color } = describe(author);
      marks.set(author, Decoration.mark({
        class: "cm-author",
        attributes: { style: `--author-color: ${color ?? "var(--muted)"}`, "data-author": author },
      }));
    }
    return marks.get(author);
  };
  const builder = new RangeSetBuilder();
  for (const { from, to } of view.visibleRanges) forEachRun(runs, from, to, (a, b, author) => builder.add(a, b, mark(author)));
  return builder.finish();
}

/** The hover card: the author's colour and name, and when they wrote. */
export function authorCard(author, when) {
  const card = document.createElement("div");
  card.className = "author-card";
  const name = document.createElement("strong");
  name.className = "author-name";
  name.style.setProperty("--author-color", author.color ?? "var(--muted)");
  name.textContent = author.name || "Unknown author";
  card.append("Written by ", name);
  if (author.you) card.append(" (you)");
  if (when) {
    const time = document.createElement("span");
    time.className = "author-when";
    time.textContent = when;
    card.append(time);
  }
  return card;
}
