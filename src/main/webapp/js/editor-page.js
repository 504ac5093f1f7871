// The editor page (d.html at /d/{id}): CodeMirror 6 bound to a collaboration session.
// Everything the person sees about the connection is here: its state with a countdown to
// the next reconnect, how many edits are not yet on the server, who else is here, and a
// warning before leaving with unsynced edits.

import { EditorView, basicSetup } from "codemirror";
import { EditorState, Compartment, Prec, StateEffect } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { redo } from "@codemirror/commands";
import { markdown } from "./markdown-mode.js";
import { rememberDocument } from "./recent.js";
import { Session, randomId } from "./session.js";
import { collaboration, editorAdapter, reportLocalChanges } from "./collab-editor.js";
import { livePreview } from "./preview.js";

const docId = decodeURIComponent(location.pathname.replace(/^\/d\//, "").replace(/\/$/, ""));
const $ = (id) => document.getElementById(id);

$("doc-id").textContent = docId;
document.title = `${docId} · Concord`;

const nameInput = $("my-name");
nameInput.value = storedName();

const editable = new Compartment();
const preview = $("preview");
const renderPreview = livePreview(preview);
const peersList = $("peers");
let countdown = 0;      // interval that redraws "Reconnecting in N s"
let shownTitle = null;  // the title last shown and remembered
let session;

const view = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    extensions: [
      basicSetup,
      markdown(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": "Document text" }),
      Prec.high(keymap.of([{ key: "Mod-Shift-z", run: redo, preventDefault: true }])),
      collaboration(),
      editable.of([EditorView.editable.of(false), EditorState.readOnly.of(true)]),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) {
          if (!preview.hidden) renderPreview(update.state.doc.toString());
          showTitle(update.state.doc);
        }
      }),
    ],
  }),
});

const adapter = editorAdapter(view);
session = new Session({
  docId,
  url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/docs/${encodeURIComponent(docId)}`,
  name: nameInput.value,
  editor: {
    ...adapter,
    peers: (peers) => {
      adapter.peers(peers);
      renderPeers(peers);
    },
  },
  notify: onSessionEvent,
});

// Unsynced edits from an earlier visit are shown, and editable, before the server answers.
const restored = session.initialText();
if (restored !== null) {
  adapter.reset(restored);
  setEditable(true);
}
// Local edits are reported from here on: the restored text is not a new edit.
view.dispatch({ effects: StateEffect.appendConfig.of(reportLocalChanges(session)) });
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
      $("copy-read-only-link").hidden = event.readOnly;
      document.body.dataset.session = "ready";
      return undefined;
    case "conflict":
      return showNotice("The server could not take some of your latest edits. Your version is kept: download it to keep it safe.", event.text);
    case "error":
      return showNotice(`The server refused a message (${event.code}): ${event.message}`);
    case "problem":
      return showNotice(event.message);
    default:
      return undefined;
  }
}

// ----- connection status -----------------------------------------------------------------

function showStatus({ state, retryAt, unsynced, compatibility }) {
  const status = $("status");
  clearInterval(countdown);
  const pending = unsynced === 0 ? "all changes saved" : `${unsynced} unsynced ${unsynced === 1 ? "edit" : "edits"}`;
  const render = () => {
    let text;
    if (state === "connected") text = compatibility ? "Connected (compatibility mode)" : "Connected";
    else if (state === "connecting") text = "Connecting…";
    else if (state === "offline") text = "Offline";
    else text = `Reconnecting in ${Math.max(0, Math.ceil((retryAt - Date.now()) / 1000))} s`;
    status.textContent = `${text} · ${pending}`;
  };
  status.dataset.state = state;
  status.dataset.unsynced = String(unsynced);
  render();
  if (state === "reconnecting") countdown = setInterval(render, 250);
}

window.addEventListener("beforeunload", (event) => {
  session.flush({ leaving: true });
  if (session.unsyncedCount() > 0) {
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
    item.className = "peer";
    item.style.setProperty("--peer-color", p.color);
    item.textContent = p.name || "Anonymous";
    item.title = p.name || "Anonymous";
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

function defaultName() {
  return `Guest ${randomId(4)}`;
}

// ----- document actions ------------------------------------------------------------------

$("toggle-preview").addEventListener("click", () => {
  const show = preview.hidden;
  if (show) renderPreview(view.state.doc.toString());
  preview.hidden = !show;
  document.body.classList.toggle("with-preview", show);
  $("toggle-preview").setAttribute("aria-pressed", String(show));
});

$("download-md").addEventListener("click", () => download(view.state.doc.toString(), "md", "text/markdown"));
$("download-txt").addEventListener("click", () => download(view.state.doc.toString(), "txt", "text/plain"));

$("copy-link").addEventListener("click", () => copyLink($("copy-link"), location.href));

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
  const title = titleOf(view.state.doc);
  return (title || docId).replace(/[^\p{L}\p{N} _-]+/gu, "").trim().slice(0, 60) || docId;
}

// ----- notices and title -----------------------------------------------------------------

function showNotice(message, keptText = null) {
  $("notice-text").textContent = message;
  const keep = $("notice-download");
  keep.hidden = keptText === null;
  keep.onclick = keptText === null ? null : () => download(keptText, "md", "text/markdown", `${fileName()} (my version)`);
  $("notice").hidden = false;
}

$("notice-close").addEventListener("click", () => ($("notice").hidden = true));

function titleOf(doc) {
  const first = doc.lines > 0 ? doc.line(1).text : "";
  return first.replace(/^#+\s*/, "").trim().slice(0, 80);
}

function showTitle(doc) {
  const title = titleOf(doc);
  if (title === shownTitle) return;
  shownTitle = title;
  $("doc-title").textContent = title || "Untitled";
  document.title = `${title || docId} · Concord`;
  rememberDocument(docId, title);
}

function setEditable(on) {
  view.dispatch({ effects: editable.reconfigure([EditorView.editable.of(on), EditorState.readOnly.of(!on)]) });
}
