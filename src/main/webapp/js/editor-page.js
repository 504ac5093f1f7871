// The editor page (d.html at /d/{id}): CodeMirror 6 bound to a collaboration session.
// Everything the person sees about the connection is here: its state with a countdown to
// the next reconnect, whether their changes are saved, who else is here, and a warning
// before leaving with unsaved changes. The editor takes typing from the first moment.

import { EditorView, basicSetup } from "codemirror";
import { EditorState, Compartment, Prec, StateEffect } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { redo } from "@codemirror/commands";
import { markdown } from "./markdown-mode.js";
import { rememberDocument, rememberEdit, forgetRecent } from "./recent.js";
import { Session } from "./session.js";
import { collaboration, editorAdapter, remoteAuthor, reportLocalChanges } from "./collab-editor.js";
import { livePreview, renderMarkdown } from "./preview.js";
import { editingKeymap } from "./editing.js";
import { buildToolbar, showShortcuts } from "./toolbar.js";
import { toggleTask } from "./markdown-text.js";
import { authorSecret, defaultName, fileNameFor, titleOf } from "./names.js";
import { standaloneHtml } from "./export.js";
import { rememberDeleted, takeDeleted } from "./deleted.js";
import { scrollSync } from "./scroll-sync.js";
import { keepShellForOffline } from "./offline.js";
import { AuthorshipTracker } from "./authorship-tracker.js";
import { authorship, putRuns, selectionAuthors, showAuthors } from "./authorship-view.js";
import { HistoryApi, formatSpan } from "./history.js";
import { historyPanel } from "./history-panel.js";

const docId = decodeURIComponent(location.pathname.replace(/^\/d\//, "").replace(/\/$/, ""));
const $ = (id) => document.getElementById(id);

$("doc-id").textContent = docId;
document.title = `${docId} · Concord`;

const nameInput = $("my-name");
nameInput.value = storedName();

const editable = new Compartment();
const preview = $("preview");
const peersList = $("peers");
let countdown = 0;      // interval that redraws "Reconnecting in N s", or "Saving…" until it is late
let savedAt = 0;        // when the server last confirmed a change (or there was none to confirm)
let lastUnsynced = 0;
/** Connected, with changes the server has confirmed none of for this long: it cannot save them now. */
const SAVING_LATE_MS = 8_000;
let shownTitle = null;  // the title last shown and remembered
let editNotedAt = 0;    // when the recent list last heard that the text changed
let emptyNotice = false; // the notice says the document is new and empty
let session;
let panel = null;       // the history panel, once the session exists
const AUTHOR_COLOURS_KEY = "concord.authorColours";

const api = new HistoryApi(docId);
const tracker = new AuthorshipTracker({ load: (rev) => api.authorship(rev), changed: authorsChanged });

const view = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    extensions: [
      editingKeymap(),
      basicSetup,
      markdown(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": "Document text" }),
      Prec.high(keymap.of([
        { key: "Mod-Shift-z", run: redo, preventDefault: true },
        { key: "Mod-/", run: () => (openShortcuts(), true), preventDefault: true },
      ])),
      collaboration(),
      authorship({ own: () => tracker.own, describe, when }),
      editable.of([]),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          if (!preview.hidden) renderPreview(update.state.doc.toString());
          showTitle(update.state.doc.toString());
          if (emptyNotice && update.state.doc.length > 0) {
            emptyNotice = false;
            $("notice").hidden = true;
          }
          // A snapshot put in place (author "") is no edit; a person's, this one's or a peer's, is.
          const edited = update.transactions.some((tr) => tr.docChanged && tr.annotation(remoteAuthor) !== "");
          if (edited && Date.now() - editNotedAt > 10_000) {
            editNotedAt = Date.now();
            rememberEdit(docId);
          }
          panel?.refresh();
        }
      }),
    ],
  }),
});

const sync = scrollSync(view, preview);
const renderPreview = livePreview(preview, (element) => {
  enableTaskBoxes(element);
  sync.rendered();
});

const adapter = editorAdapter(view);
session = new Session({
  docId,
  url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/docs/${encodeURIComponent(docId)}`,
  name: nameInput.value,
  author: authorSecret(),
  authorship: tracker,
  editor: {
    ...adapter,
    peers: (peers) => {
      adapter.peers(peers);
      renderPeers(peers);
    },
  },
  notify: onSessionEvent,
});

// This browser's copy (with any unsynced edits) is shown, and editable, before the server answers.
const initial = session.initialText();
if (initial !== null) adapter.reset(initial);
setEditable(!session.readOnly);
// Local edits are reported from here on: the initial text is not a new edit.
view.dispatch({ effects: StateEffect.appendConfig.of(reportLocalChanges(session)) });
panel = historyPanel({ docId, view, session, tracker, api, describe, notice: showNotice, copyLink, download, fileName, awaitSaved });
setAuthorColours(localStorage.getItem(AUTHOR_COLOURS_KEY) === "on");
session.start();
view.focus();
rememberDocument(docId);

function onSessionEvent(event) {
  switch (event.type) {
    case "status": return showStatus(event);
    case "welcome":
      setEditable(!event.readOnly);
      document.body.classList.toggle("read-only", event.readOnly);
      $("read-only-banner").hidden = !event.readOnly;
      for (const id of ["copy-read-only-link", "rename", "delete-doc", "name-version", "rev-restore"]) $(id).hidden = event.readOnly;
      $("toolbar").hidden = event.readOnly;
      if (document.body.dataset.session !== "ready") panel.openFromAddress();
      document.body.dataset.session = "ready";
      if (!preview.hidden) renderPreview(view.state.doc.toString());
      if (location.hash === "#restore") restoreDeleted();
      else if (event.newToThisBrowser && !event.readOnly && view.state.doc.length === 0) {
        showNotice("This is a new, empty document: nobody has written in it yet. If you expected text here, check the link. "
          + "To write together, share this page's link (Copy link).", { kind: "info" });
        emptyNotice = true;
      }
      return undefined;
    case "conflict":
      return showNotice("The server could not take some of your latest edits. Your version is kept: download it to keep it safe.",
        { action: { label: "Download my version", run: () => download(event.text, "md", "text/markdown", `${fileName()} (my version)`) } });
    case "error":
      return showNotice(`The server refused a message (${event.code}): ${event.message}`);
    case "problem":
      return showNotice(event.message);
    default:
      return undefined;
  }
}

// ----- connection status -----------------------------------------------------------------

/** The status line: the connection, and whether this person's changes are on the server, in words. */
function showStatus({ state, retryAt, unsynced, compatibility }) {
  const status = $("status");
  clearInterval(countdown);
  const render = () => {
    let text;
    if (state === "connected") {
      const late = unsynced > 0 && Date.now() - savedAt > SAVING_LATE_MS;
      text = (compatibility ? "Connected (compatibility mode) · " : "")
        + (unsynced === 0 ? "All changes saved"
          : late ? "Not saved yet: the server cannot save right now · your changes are kept on this device"
          : "Saving…");
    }
    else if (state === "connecting") text = unsynced === 0 ? "Connecting…" : "Connecting… · changes kept on this device, unsynced";
    else {
      const how = state === "offline" ? "Offline"
        : `Reconnecting in ${Math.max(0, Math.ceil((retryAt - Date.now()) / 1000))} s`;
      text = unsynced === 0 ? `${how} · all changes saved`
        : `${how} · unsynced changes kept on this device, sent when back online`;
    }
    status.textContent = text;
  };
  if (unsynced === 0 || unsynced < lastUnsynced || lastUnsynced === 0) savedAt = Date.now();
  lastUnsynced = unsynced;
  status.dataset.state = state;
  status.dataset.unsynced = String(unsynced);
  render();
  if (state === "reconnecting") countdown = setInterval(render, 250);
  else if (state === "connected" && unsynced > 0) countdown = setInterval(render, 1_000);
}

window.addEventListener("beforeunload", (event) => {
  session.flush({ leaving: true });
  if (session.unsyncedCount() > 0 && navigator.onLine) {
    // Offline, the edits are kept on this device and sent later: leaving loses nothing.
    event.preventDefault();
    event.returnValue = "";
  }
});
window.addEventListener("pagehide", () => session.flush({ leaving: true }));
window.addEventListener("pageshow", (event) => {
  if (event.persisted) session.reclaim();
});
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") session.flush();
});

// ----- presence --------------------------------------------------------------------------

function renderPeers(peers) {
  peersList.replaceChildren(...[...peers.values()].map((p) => {
    const item = document.createElement("li");
    item.className = p.readOnly ? "peer viewer" : "peer";
    item.style.setProperty("--peer-color", p.color);
    const name = p.name || "Anonymous";
    item.textContent = name;
    if (p.readOnly) {
      const mark = document.createElement("span");
      mark.className = "viewing";
      mark.textContent = " (viewing)";
      item.append(mark);
    }
    item.title = p.readOnly ? `${name} is viewing with a read-only link` : `${name} is editing`;
    return item;
  }));
}

nameInput.addEventListener("change", () => {
  const name = nameInput.value.trim().slice(0, 100) || defaultName();
  nameInput.value = name;
  localStorage.setItem("concord.name", name);
  session.rename(name);
});

function storedName() {
  let name = localStorage.getItem("concord.name");
  if (!name) {
    name = defaultName();
    localStorage.setItem("concord.name", name);
  }
  return name;
}

// ----- authorship ----------------------------------------------------------------------------

/** The runs or the authors were learnt afresh: the editor's runs are the tracker's, with this page's pending edits. */
function authorsChanged() {
  putRuns(view, tracker.display(session?.client?.pending() ?? null));
  panel?.refresh();
}

/** An author as people see them: name, colour, and whether it is this person. */
function describe(id) {
  const author = tracker.author(id);
  const you = id === tracker.own;
  return { name: author.name || (you ? nameInput.value : ""), color: author.color, you };
}

/** When an author wrote in this document, in words ("" when the server has not said). */
function when(id) {
  const { first, last } = tracker.author(id);
  return first ? `wrote ${formatSpan(first, last ?? first)}` : "";
}

function setAuthorColours(on) {
  showAuthors(view, on);
  $("toggle-authors").setAttribute("aria-pressed", String(on));
}

$("toggle-authors").addEventListener("click", () => {
  const on = $("toggle-authors").getAttribute("aria-pressed") !== "true";
  setAuthorColours(on);
  try {
    localStorage.setItem(AUTHOR_COLOURS_KEY, on ? "on" : "off");
  } catch {
    // remembered for this page only
  }
  if (on) tracker.refresh(); // when each author wrote, for hovering
  view.focus();
});

$("who-wrote").addEventListener("click", () => {
  const authors = selectionAuthors(view.state);
  const total = authors?.reduce((n, [, count]) => n + count, 0) ?? 0;
  if (authors === null) {
    showNotice("Who wrote what is not known yet: the server has not said.", { kind: "info" });
  } else if (total === 0) {
    showNotice("Select some text first, then ask who wrote it.", { kind: "info" });
  } else {
    const parts = authors.map(([id, count]) => {
      const { name, you } = describe(id);
      return `${name || "an unknown author"}${you ? " (you)" : ""}: ${count} of ${total} characters`;
    });
    showNotice(`Who wrote the selection: ${parts.join("; ")}.`, { kind: "info" });
  }
  view.focus();
});

// ----- toolbar and shortcuts ---------------------------------------------------------------

function openShortcuts() {
  closeMenu();
  showShortcuts($("shortcuts"), $("shortcut-table").tBodies[0]);
}
$("shortcuts").addEventListener("close", () => view.focus());

// ----- document actions ------------------------------------------------------------------

function closeMenu() {
  $("more").open = false;
}

$("more").addEventListener("keydown", (event) => {
  if (event.key === "Escape" && $("more").open) {
    closeMenu();
    $("more").querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  if ($("more").open && !$("more").contains(event.target)) closeMenu();
});
for (const button of document.querySelectorAll(".more-menu button")) button.addEventListener("click", closeMenu);

$("toggle-preview").addEventListener("click", () => {
  const show = preview.hidden;
  if (show) renderPreview(view.state.doc.toString());
  preview.hidden = !show;
  document.body.classList.toggle("with-preview", show);
  $("toggle-preview").setAttribute("aria-pressed", String(show));
});

/** Task boxes in the preview tick the task in the document (read-only viewers only see them). */
function enableTaskBoxes(element) {
  element.querySelectorAll("input.task").forEach((box, index) => {
    box.disabled = session.readOnly;
    box.setAttribute("aria-label", `Task ${index + 1}: ${box.parentElement.textContent.trim()}`);
    box.addEventListener("change", () => {
      const change = toggleTask(view.state.doc.toString(), index, box.checked);
      if (change !== null) view.dispatch({ changes: change, userEvent: "input" });
    });
  });
}

$("download-md").addEventListener("click", () => download(view.state.doc.toString(), "md", "text/markdown"));
$("download-txt").addEventListener("click", () => download(view.state.doc.toString(), "txt", "text/plain"));
$("export-html").addEventListener("click", () =>
  download(standaloneHtml(titleOf(view.state.doc.toString()) || docId, view.state.doc.toString()), "html", "text/html"));

/** Print (or "Save as PDF") shows the rendered document only, whatever the page shows. */
function fillPrintView() {
  let printed = $("print-view");
  if (printed === null) {
    printed = document.createElement("article");
    printed.id = "print-view";
    printed.className = "print-view";
    document.body.append(printed);
  }
  printed.innerHTML = renderMarkdown(view.state.doc.toString());
}
window.addEventListener("beforeprint", fillPrintView);
$("print").addEventListener("click", () => {
  fillPrintView();
  window.print();
});

$("copy-link").addEventListener("click", () => copyLink($("copy-link"), location.origin + location.pathname));

$("copy-read-only-link").addEventListener("click", async () => {
  const button = $("copy-read-only-link");
  try {
    const response = await fetch(`/api/docs/${encodeURIComponent(docId)}/read-only`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { readOnlyId } = await response.json();
    await copyLink(button, `${location.origin}/d/${readOnlyId}`);
  } catch (e) {
    showNotice(`Could not make a read-only link: ${e.message}`);
  }
});

$("show-shortcuts").addEventListener("click", openShortcuts);

$("rename").addEventListener("click", () => {
  const text = view.state.doc.toString();
  const title = window.prompt("Title (the document's first line, as a heading):", titleOf(text));
  if (title === null || !title.trim()) return;
  const first = view.state.doc.line(1);
  // A heading on the first line is replaced; otherwise the title goes above the text.
  const change = /^ {0,3}#{1,6}(?:\s|$)/.test(first.text)
    ? { from: first.from, to: first.to, insert: `# ${title.trim()}` }
    : { from: 0, insert: `# ${title.trim()}\n\n` };
  view.dispatch({ changes: change, userEvent: "input" });
  view.focus();
});

$("delete-doc").addEventListener("click", () => {
  const text = view.state.doc.toString();
  const title = titleOf(text) || docId;
  if (!window.confirm(`Delete “${title}”? Its text is removed for everyone who has the link. You can undo this from the start page for 7 days, in this browser.`)) return;
  rememberDeleted(docId, title, text);
  view.dispatch({ changes: { from: 0, to: view.state.doc.length }, userEvent: "delete" });
  forgetRecent(docId);
  awaitSaved().then(() => location.assign(`/?deleted=${encodeURIComponent(docId)}`));
});

/** Resolves once the server has every edit of this page (at once when it has them already). */
function awaitSaved() {
  return new Promise((resolve) => {
    const check = () => (session.unsyncedCount() === 0 ? resolve() : setTimeout(check, 100));
    check();
  });
}

/** "#restore" after a deletion's Undo: the deleted text comes back, if the document is still empty. */
function restoreDeleted() {
  history.replaceState(null, "", location.pathname);
  const deleted = takeDeleted(docId);
  if (deleted === null) return;
  if (view.state.doc.length > 0) {
    showNotice("Someone wrote in this document after it was deleted: the deleted text is not put back over theirs.",
      { action: { label: "Download the deleted text", run: () => download(deleted.text, "md", "text/markdown", fileNameFor(deleted.title, docId)) } });
    return;
  }
  view.dispatch({ changes: { from: 0, insert: deleted.text }, userEvent: "input" });
  rememberDocument(docId, titleOf(deleted.text));
  showNotice(`“${deleted.title}” is back.`, { kind: "info" });
}

async function copyLink(button, link) {
  const label = button.textContent;
  button.dataset.link = link;
  try {
    await navigator.clipboard.writeText(link);
    button.textContent = "Link copied";
  } catch {
    window.prompt("Copy this link:", link);
  }
  setTimeout(() => (button.textContent = label), 2000);
}

function download(text, extension, type, name = fileName()) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${name}.${extension}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function fileName() {
  return fileNameFor(titleOf(view.state.doc.toString()), docId);
}

// ----- notices and title -----------------------------------------------------------------

/** A message above the editor; kind "info" for news, else a problem; action: {label, run}. */
function showNotice(message, { kind = "problem", action = null } = {}) {
  const notice = $("notice");
  emptyNotice = false;
  $("notice-text").textContent = message;
  notice.dataset.kind = kind;
  notice.setAttribute("role", kind === "info" ? "status" : "alert");
  const button = $("notice-action");
  button.hidden = action === null;
  button.textContent = action?.label ?? "";
  button.onclick = action?.run ?? null;
  notice.hidden = false;
}

$("notice-close").addEventListener("click", () => {
  $("notice").hidden = true;
  view.focus();
});

function showTitle(text) {
  const title = titleOf(text);
  if (title === shownTitle) return;
  shownTitle = title;
  $("doc-title").textContent = title || "Untitled";
  document.title = `${title || docId} · Concord`;
  rememberDocument(docId, title);
}

function setEditable(on) {
  view.dispatch({ effects: editable.reconfigure(on ? [] : [EditorView.editable.of(false), EditorState.readOnly.of(true)]) });
}

// Last, once every declaration above is initialised.
buildToolbar($("toolbar"), view, openShortcuts);
keepShellForOffline();
