// CodeMirror 6 bindings of a collaboration session: local transactions become operations,
// peers' operations become transactions that stay out of the local undo history (so undo
// only ever takes back this person's own edits, rebased past everyone else's), and peers'
// selections are drawn in their colours with a name label, moving with the text.

import { Annotation, StateEffect, StateField, Transaction } from "@codemirror/state";
import { Decoration, EditorView, WidgetType } from "@codemirror/view";
import { TextOperation } from "./ot.js";

/** Marks a transaction as a peer's edit, with the peer's client id as its value. */
export const remoteAuthor = Annotation.define();

/** A peer's edit's public author id (docs/PROTOCOL.md "Authorship"), when the server said it. */
export const editAuthor = Annotation.define();

/**
 * Marks an edit as a restore: {rev, inserted}, the revision it brings back and the authors of
 * the text it inserts (runs, all inserts one after the other; null when not known). This
 * person's edit with it is sent as a restore.
 */
export const restoring = Annotation.define();

/** The operation for a CodeMirror change set on a document of oldLength code units. */
export function changesToOperation(changes, oldLength) {
  let op = new TextOperation();
  let pos = 0;
  changes.iterChanges((fromA, toA, _fromB, _toB, inserted) => {
    op = op.retain(fromA - pos).insert(inserted.toString()).delete(toA - fromA);
    pos = toA;
  });
  return op.retain(oldLength - pos);
}

/** CodeMirror changes (positions in the document before them) for an operation. */
export function operationToChanges(op) {
  const changes = [];
  let pos = 0;
  for (const c of op.ops) {
    if (typeof c === "string") {
      changes.push({ from: pos, insert: c });
    } else if (c > 0) {
      pos += c;
    } else {
      changes.push({ from: pos, to: pos - c });
      pos -= c;
    }
  }
  return changes;
}

const setPeers = StateEffect.define();
const setCursor = StateEffect.define();

/** A selection moved through changes: a caret follows its own author's typing, a selection never grows at its edges. */
function mapRange(changes, [anchor, head], byAuthor) {
  if (anchor === head) {
    const p = changes.mapPos(head, byAuthor ? 1 : -1);
    return [p, p];
  }
  const from = changes.mapPos(Math.min(anchor, head), 1);
  const to = Math.max(from, changes.mapPos(Math.max(anchor, head), -1));
  return anchor <= head ? [from, to] : [to, from];
}

const clamp = (ranges, length) => ranges.map(([a, h]) => [Math.min(Math.max(a, 0), length), Math.min(Math.max(h, 0), length)]);

/**
 * A peer's caret with their name above it. The name shows when the caret moves and then
 * fades (CSS), so that it does not keep covering the line above; moved counts the peer's
 * caret moves, so that a move draws a new label.
 */
class CaretWidget extends WidgetType {
  constructor(name, color, moved) {
    super();
    this.name = name;
    this.color = color;
    this.moved = moved;
  }

  eq(other) {
    return other.name === this.name && other.color === this.color && other.moved === this.moved;
  }

  toDOM() {
    const caret = document.createElement("span");
    caret.className = "cm-peer-caret";
    caret.style.borderLeftColor = this.color;
    const label = document.createElement("span");
    label.className = "cm-peer-label";
    label.style.backgroundColor = this.color;
    label.textContent = this.name || "Anonymous";
    caret.appendChild(label);
    return caret;
  }

  ignoreEvent() {
    return true;
  }
}

const peersField = StateField.define({
  create: () => ({ peers: new Map(), cursors: new Map(), moves: new Map() }),
  update(value, tr) {
    let { peers, cursors, moves } = value;
    if (tr.docChanged && cursors.size > 0) {
      const author = tr.annotation(remoteAuthor);
      cursors = new Map([...cursors].map(([client, ranges]) => [client, ranges.map((r) => mapRange(tr.changes, r, client === author))]));
    }
    for (const effect of tr.effects) {
      if (effect.is(setPeers)) {
        peers = effect.value;
        cursors = new Map([...cursors].filter(([client]) => peers.has(client)));
      } else if (effect.is(setCursor)) {
        cursors = new Map(cursors);
        cursors.set(effect.value.client, clamp(effect.value.ranges, tr.state.doc.length));
        moves = new Map(moves);
        moves.set(effect.value.client, (moves.get(effect.value.client) ?? 0) + 1);
      }
    }
    return peers === value.peers && cursors === value.cursors ? value : { peers, cursors, moves };
  },
  provide: (field) => EditorView.decorations.compute([field], (state) => {
    const { peers, cursors, moves } = state.field(field);
    const decorations = [];
    for (const [client, ranges] of cursors) {
      const peer = peers.get(client);
      if (!peer || peer.readOnly) continue; // a viewer's selection is theirs alone
      for (const [anchor, head] of ranges) {
        const from = Math.min(anchor, head);
        const to = Math.max(anchor, head);
        if (from < to) {
          decorations.push(Decoration.mark({
            class: "cm-peer-selection",
            attributes: { style: `background-color: ${peer.color}33` },
          }).range(from, to));
        }
        decorations.push(Decoration.widget({ widget: new CaretWidget(peer.name, peer.color, moves.get(client) ?? 0), side: 1 }).range(head));
      }
    }
    return Decoration.set(decorations, true);
  }),
});

/** The editor extension: remote cursors and their styling. */
export function collaboration() {
  return [peersField, cursorTheme];
}

const cursorTheme = EditorView.baseTheme({
  // Room above the first line for a peer's name label, which sits above the caret.
  ".cm-content": { paddingTop: "18px" },
  ".cm-peer-caret": {
    position: "relative",
    borderLeft: "2px solid",
    marginLeft: "-1px",
    marginRight: "-1px",
    pointerEvents: "none",
  },
  ".cm-peer-label": {
    position: "absolute",
    bottom: "100%",
    left: "-2px",
    color: "white",
    fontSize: "11px",
    lineHeight: "1.3",
    fontFamily: "system-ui, sans-serif",
    padding: "0 4px",
    borderRadius: "3px 3px 3px 0",
    whiteSpace: "nowrap",
    userSelect: "none",
    zIndex: "10",
  },
});

/** The adapter a Session drives: everything it does to the editor goes through here. */
export function editorAdapter(view) {
  const remote = (client, author, restore) => [Transaction.addToHistory.of(false), remoteAuthor.of(client), Transaction.userEvent.of("remote"),
    ...(typeof author === "string" ? [editAuthor.of(author)] : []), ...(restore ? [restoring.of(restore)] : [])];
  return {
    text: () => view.state.doc.toString(),
    reset: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text }, annotations: remote("") }),
    applyRemote: (op, client, author, restore) => view.dispatch({ changes: operationToChanges(op), annotations: remote(client, author, restore) }),
    peers: (peers) => view.dispatch({ effects: setPeers.of(new Map(peers)) }),
    cursor: (client, ranges) => view.dispatch({ effects: setCursor.of({ client, ranges }) }),
  };
}

/**
 * An update listener that reports this person's edits and selection to the session.
 * Transactions carrying remoteAuthor came from the session itself and are not reported back.
 */
export function reportLocalChanges(session) {
  return EditorView.updateListener.of((update) => {
    for (const tr of update.transactions) {
      if (tr.docChanged && tr.annotation(remoteAuthor) === undefined) {
        session.localEdit(changesToOperation(tr.changes, tr.startState.doc.length), { restore: tr.annotation(restoring)?.rev });
      }
    }
    if (update.selectionSet || update.docChanged) {
      session.localCursor(update.state.selection.ranges.map((r) => [r.anchor, r.head]));
    }
  });
}
