// The text of a past revision, read-only, with what changed highlighted: inserted text tinted
// in its author's colour, deleted text struck through where it was (history.js computes the
// segments). A CodeMirror view of its own beside the live editor, which keeps running.

import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";
import { markdown } from "./markdown-mode.js";

const setChanges = StateEffect.define();

class DeletedText extends WidgetType {
  constructor(text) {
    super();
    this.text = text;
  }

  eq(other) {
    return other.text === this.text;
  }

  toDOM() {
    const del = document.createElement("del");
    del.className = "cm-deleted";
    del.textContent = this.text;
    return del;
  }
}

/**
 * A read-only view in parent. describe(authorId) gives {name, color} for the tint of inserts.
 * Returns {show(text, segments), view}.
 */
export function revisionView(parent, describe) {
  const changes = StateField.define({
    create: () => Decoration.none,
    update(value, tr) {
      for (const effect of tr.effects) if (effect.is(setChanges)) return decorate(effect.value, describe);
      return tr.docChanged ? Decoration.none : value;
    },
    provide: (field) => EditorView.decorations.from(field),
  });
  const view = new EditorView({
    parent,
    state: EditorState.create({
      extensions: [
        markdown(),
        EditorView.lineWrapping,
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.contentAttributes.of({ "aria-label": "Text at this revision", tabindex: "0" }),
        changes,
      ],
    }),
  });
  return {
    view,
    /** Shows text with segments ([{type: "insert", from, to, author} | {type: "delete", at, text}]). */
    show(text, segments) {
      const same = view.state.doc.toString() === text;
      view.dispatch({
        changes: same ? undefined : { from: 0, to: view.state.doc.length, insert: text },
        effects: setChanges.of(segments),
      });
      const first = segments[0];
      if (first !== undefined) {
        view.dispatch({ effects: EditorView.scrollIntoView(first.type === "insert" ? first.from : first.at, { y: "center" }) });
      }
    },
  };
}

function decorate(segments, describe) {
  const ranges = segments.map((s) => {
    if (s.type === "delete") return Decoration.widget({ widget: new DeletedText(s.text), side: -1 }).range(s.at);
    const author = s.author === null ? null : describe(s.author);
    return Decoration.mark({
      class: "cm-inserted",
      attributes: {
        style: `--author-color: ${author?.color ?? "var(--accent)"}`,
        title: author?.name ? `Inserted by ${author.name}` : "Inserted",
      },
    }).range(s.from, s.to);
  });
  return Decoration.set(ranges, true);
}
