// The landing page (index.html): create a document, reopen a recent one (search, remove
// from the list, when last edited here), undo a deletion, or open one by link or id.

import {documentIdFrom, documentPath} from "./doc-id.js";
import {forgetRecent, readRecent, searchRecent} from "./recent.js";
import {readDeleted} from "./deleted.js";
import {LocalCopy} from "./local-copy.js";
import {keepShellForOffline} from "./offline.js";

const $ = id => document.getElementById(id);
const newButton = $("new-doc");
const newError = $("new-doc-error");
const recentList = $("recent");
const recentSearch = $("recent-search");
const openForm = $("open-form");
const openInput = $("open-input");
const openError = $("open-error");

newButton.addEventListener("click", createDocument);
openForm.addEventListener("submit", openDocument);
openInput.addEventListener("input", () => showError(openInput, openError, null));
recentSearch.addEventListener("input", showRecent);
showRecent();
showDeleted();
keepShellForOffline();

async function createDocument() {
  newButton.disabled = true;
  newButton.setAttribute("aria-busy", "true");
  showError(newButton, newError, null);
  try {
    const response = await fetch("/api/docs", {method: "POST", headers: {Accept: "application/json"}});
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const {id, rev, text} = await response.json();
    try {
      // The editor then knows the document (empty, revision 0) and takes typing at once.
      new LocalCopy(id, localStorage).saveCopy(rev, text, false);
    } catch {
      // without it the editor waits for the server's first answer
    }
    location.assign(documentPath(id));
  } catch (e) {
    showError(newButton, newError, `Could not create a document (${e.message}). Please try again.`);
    newButton.disabled = false;
    newButton.removeAttribute("aria-busy");
  }
}

function openDocument(event) {
  event.preventDefault();
  const id = documentIdFrom(openInput.value, location.href);
  if (id === null) {
    showError(openInput, openError,
        "That is not a document link or id. Paste a link ending in /d/… " +
        "or an id of up to 64 letters, digits, “_” or “-”.");
    openInput.focus();
    return;
  }
  location.assign(documentPath(id));
}

/** Shows (or, with null, clears) the message under a control, and marks the control. */
function showError(control, element, message) {
  element.textContent = message ?? "";
  element.hidden = message === null;
  if (control instanceof HTMLInputElement) {
    if (message === null) control.removeAttribute("aria-invalid");
    else control.setAttribute("aria-invalid", "true");
  }
}

/** "5 min ago", "yesterday"… in the person's language, for a time in the past. */
function ago(time, now = Date.now()) {
  const format = new Intl.RelativeTimeFormat(undefined, {numeric: "auto"});
  const seconds = Math.round((time - now) / 1000);
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, "second");
}

function timeElement(label, time) {
  const when = document.createElement("time");
  when.dateTime = new Date(time).toISOString();
  when.title = new Date(time).toLocaleString();
  when.textContent = `${label} ${ago(time)}`;
  return when;
}

function showRecent() {
  const all = readRecent();
  const entries = searchRecent(all, recentSearch.value);
  const focused = document.activeElement?.closest?.("#recent li")?.dataset.id;
  recentList.replaceChildren(...entries.map(entry => {
    const item = document.createElement("li");
    item.dataset.id = entry.id;
    const link = document.createElement("a");
    link.href = documentPath(entry.id);
    link.textContent = entry.title ?? entry.id;
    item.append(link);
    if (entry.title) {
      const id = document.createElement("span");
      id.className = "doc-id";
      id.textContent = entry.id;
      item.append(" ", id);
    }
    if (entry.editedAt > 0) item.append(" ", timeElement("edited", entry.editedAt));
    else if (entry.openedAt > 0) item.append(" ", timeElement("opened", entry.openedAt));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove “${entry.title ?? entry.id}” from this list`);
    remove.title = "Remove from this list (the document itself stays)";
    remove.addEventListener("click", () => {
      const next = item.nextElementSibling ?? item.previousElementSibling;
      forgetRecent(entry.id);
      showRecent();
      (next && recentList.querySelector(`li[data-id="${next.dataset.id}"] a`) || recentSearch).focus();
    });
    item.append(" ", remove);
    return item;
  }));
  recentList.hidden = entries.length === 0;
  $("recent-empty").hidden = all.length > 0;
  $("recent-none").hidden = all.length === 0 || entries.length > 0;
  $("recent-search-row").hidden = all.length < 2;
  if (focused) recentList.querySelector(`li[data-id="${focused}"] a`)?.focus();
}

function showDeleted() {
  const entries = readDeleted();
  const just = new URLSearchParams(location.search).get("deleted");
  $("deleted").replaceChildren(...entries.map(entry => {
    const item = document.createElement("li");
    item.dataset.id = entry.id;
    const title = document.createElement("span");
    title.textContent = entry.title;
    const undo = document.createElement("a");
    undo.href = documentPath(entry.id) + "#restore";
    undo.className = "undo";
    undo.textContent = "Undo delete";
    undo.setAttribute("aria-label", `Undo the deletion of “${entry.title}”`);
    item.append(title, " ", timeElement("deleted", entry.deletedAt), " ", undo);
    return item;
  }));
  $("deleted-section").hidden = entries.length === 0;
  if (just) $("deleted").querySelector(`li[data-id="${CSS.escape(just)}"] .undo`)?.focus();
}
