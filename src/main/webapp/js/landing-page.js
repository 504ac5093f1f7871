// The landing page (index.html): create a document, reopen a recent one, or open one by
// link or id.

import {documentIdFrom, documentPath} from "./doc-id.js";
import {readRecent} from "./recent.js";

const newButton = document.getElementById("new-doc");
const newError = document.getElementById("new-doc-error");
const recentList = document.getElementById("recent");
const recentEmpty = document.getElementById("recent-empty");
const openForm = document.getElementById("open-form");
const openInput = document.getElementById("open-input");
const openError = document.getElementById("open-error");

newButton.addEventListener("click", createDocument);
openForm.addEventListener("submit", openDocument);
openInput.addEventListener("input", () => showError(openInput, openError, null));
showRecent(readRecent());

async function createDocument() {
  newButton.disabled = true;
  newButton.setAttribute("aria-busy", "true");
  showError(newButton, newError, null);
  try {
    const response = await fetch("/api/docs", {method: "POST", headers: {Accept: "application/json"}});
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const {id} = await response.json();
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

function showRecent(entries) {
  recentList.replaceChildren(...entries.map(entry => {
    const link = document.createElement("a");
    link.href = documentPath(entry.id);
    link.textContent = entry.title ?? entry.id;
    const item = document.createElement("li");
    item.append(link);
    if (entry.title) {
      const id = document.createElement("span");
      id.className = "doc-id";
      id.textContent = entry.id;
      item.append(" ", id);
    }
    if (entry.openedAt > 0) {
      const when = document.createElement("time");
      when.dateTime = new Date(entry.openedAt).toISOString();
      when.textContent = new Date(entry.openedAt).toLocaleString();
      item.append(" ", when);
    }
    return item;
  }));
  recentList.hidden = entries.length === 0;
  recentEmpty.hidden = entries.length > 0;
}
