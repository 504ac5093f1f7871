// The formatting toolbar above the editor and the keyboard-shortcut sheet: the commands of
// editing.js as buttons (one Tab stop, arrow keys inside, as the WAI-ARIA toolbar pattern
// says) and as a table of keys.

import { COMMANDS } from "./editing.js";

const isMac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);
const ICONS = { bold: "B", italic: "I", heading: "H", list: "•", task: "☑", link: "Link", code: "</>", quote: "❝" };

/** A key in CodeMirror's notation ("Mod-Shift-z") as people read it ("Ctrl+Shift+z"). */
export const keyLabel = (key) => key.replace("Mod", isMac ? "Cmd" : "Ctrl").replaceAll("-", "+");

const SHEET = [
  ...Object.values(COMMANDS).map((c) => [c.key, c.label]),
  ["Enter", "New line; continues a list, task list or quote (on an empty item: ends it)"],
  ["Mod-z", "Undo your own last edit"],
  ["Mod-Shift-z", "Redo"],
  ["Mod-f", "Find and replace"],
  ["Tab", "Leave the editor, to the next control"],
  ["Mod-Alt-Shift-h", "History: editing sessions, named versions, restore (Escape closes it)"],
  ["Mod-/", "This list"],
];

function toolButton(className, text, label, run) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.textContent = text;
  button.title = label;
  button.setAttribute("aria-label", label);
  button.tabIndex = -1;
  button.addEventListener("click", run);
  return button;
}

/** Fills toolbar with a button per command, acting on view, and a "?" that calls help. */
export function buildToolbar(toolbar, view, help) {
  const buttons = Object.entries(COMMANDS).map(([name, command]) => {
    const button = toolButton(`tool tool-${name}`, ICONS[name], `${command.label} (${keyLabel(command.key)})`, () => command.run(view));
    button.dataset.command = name;
    return button;
  });
  buttons.push(toolButton("tool", "?", `Keyboard shortcuts (${keyLabel("Mod-/")})`, help));
  buttons[0].tabIndex = 0;
  toolbar.replaceChildren(...buttons);
  toolbar.addEventListener("keydown", (event) => {
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    let next = null;
    if (event.key === "ArrowRight") next = (at + 1) % buttons.length;
    else if (event.key === "ArrowLeft") next = (at - 1 + buttons.length) % buttons.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = buttons.length - 1;
    if (next === null) return;
    event.preventDefault();
    buttons[at].tabIndex = -1;
    buttons[next].tabIndex = 0;
    buttons[next].focus();
  });
}

/** Opens dialog with the shortcut table written into tableBody. */
export function showShortcuts(dialog, tableBody) {
  tableBody.replaceChildren(...SHEET.map(([key, what]) => {
    const row = document.createElement("tr");
    const keys = document.createElement("td");
    const kbd = document.createElement("kbd");
    kbd.textContent = keyLabel(key);
    keys.append(kbd);
    const does = document.createElement("td");
    does.textContent = what;
    row.append(keys, does);
    return row;
  }));
  dialog.showModal();
}
