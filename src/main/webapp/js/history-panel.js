// The history panel of the editor page (d.html): the document's editing sessions, newest
// first and a page at a time, with the named versions pinned on top and the authors; opening
// one shows that revision read-only in the editor's place with the timeslider (scrub, step,
// play, compare with now, link, download, restore). A read-only link reads all of it, and can
// neither restore nor name versions. Everything it reads comes from the history API.

import { Transaction } from "@codemirror/state";
import { isolateHistory } from "@codemirror/commands";
import { operationToChanges, restoring } from "./collab-editor.js";
import { formatSpan, formatWhen, restoreRevision, revisionFromSearch, revisionLink, sessionRange } from "./history.js";
import { RevisionLoader, Timeslider } from "./timeslider.js";
import { revisionView } from "./revision-view.js";
import { runsOf } from "./authorship-view.js";
import { authorsIn } from "./authorship.js";

const $ = (id) => document.getElementById(id);
const PAGE_SIZE = 30;
const SCRUB_DELAY_MS = 150;

/**
 * @param {object} page what the editor page lends the panel: docId, view (the live editor),
 *        session, tracker, api (HistoryApi), describe(authorId), notice(message, options),
 *        copyLink(button, link), download(text, extension, type, name), fileName(), awaitSaved()
 */
export function historyPanel(page) {
  const { view, session, api } = page;
  const panel = $("history");
  const revision = $("revision");
  const slider = $("rev-slider");
  let opener = null;        // what had the focus before the panel opened
  let next = null;          // where the next page of sessions starts; null: no more
  let scrubTimer = 0;
  let reader = null;        // the read-only view, made when first needed

  const timeslider = new Timeslider({
    loader: new RevisionLoader(api),
    shown: (shown) => {
      if (reader === null) return; // closed meanwhile
      reader.show(shown.text, shown.segments);
      $("revision-text").removeAttribute("aria-busy");
      caption(shown);
    },
    moved: controls,
    failed: (e) => {
      $("revision-text").removeAttribute("aria-busy");
      $("revision-meta").textContent = `Revision ${timeslider.rev} could not be shown: ${e.message}`;
    },
  });

  // ----- opening and closing ------------------------------------------------------------------

  function isOpen() {
    return !panel.hidden || !revision.hidden;
  }

  /** Opens the panel (at revision rev when given) and moves the focus into it. */
  function open(rev = null) {
    if (!isOpen()) opener = document.activeElement;
    panel.hidden = false;
    $("toggle-history").setAttribute("aria-pressed", "true");
    timeslider.setHead(session.client?.rev ?? 0);
    loadFirstPage();
    renderAuthors();
    page.tracker.refresh(); // the authors' times
    if (rev === null) {
      $("history-title").focus();
    } else {
      openRevision(rev, rev - 1);
      $("revision-title").focus();
    }
  }

  /** Closes the panel and the revision, back to editing; the focus returns where it was. */
  function close() {
    if (!isOpen()) return;
    timeslider.pause();
    panel.hidden = true;
    revision.hidden = true;
    document.body.classList.remove("viewing-revision", "showing-history-list");
    reader?.view.destroy(); // the page keeps one editor while nobody looks at history
    reader = null;
    $("toggle-history").setAttribute("aria-pressed", "false");
    if (location.search) history.replaceState(null, "", location.pathname);
    const back = opener && document.contains(opener) && opener !== document.body ? opener : view.contentDOM;
    opener = null;
    back.focus();
  }

  function openRevision(rev, since, { compare = false } = {}) {
    if (reader === null) reader = revisionView($("revision-text"), page.describe);
    revision.hidden = false;
    document.body.classList.add("viewing-revision");
    document.body.classList.remove("showing-history-list");
    $("revision-text").setAttribute("aria-busy", "true");
    timeslider.setHead(session.client?.rev ?? timeslider.head);
    timeslider.show(rev, since, { compare });
    // On a phone the list makes way for the revision: the focus goes with it.
    if (panel.contains(document.activeElement) && getComputedStyle(panel).display === "none") $("revision-title").focus();
  }

  $("toggle-history").addEventListener("click", () => (isOpen() ? close() : open()));
  $("history-close").addEventListener("click", close);
  $("rev-close").addEventListener("click", close);
  $("rev-list").addEventListener("click", () => {
    document.body.classList.add("showing-history-list");
    $("history-title").focus();
  });
  document.addEventListener("keydown", (event) => {
    if (event.code === "KeyH" && (event.ctrlKey || event.metaKey) && event.altKey && event.shiftKey) {
      event.preventDefault();
      if (isOpen()) close(); else open();
    } else if (event.key === "Escape" && isOpen() && (panel.contains(event.target) || revision.contains(event.target))) {
      event.preventDefault();
      close();
    }
  });

  // ----- the lists ----------------------------------------------------------------------------

  async function loadFirstPage() {
    next = null;
    status("Loading the history…");
    try {
      const first = await api.page(null, PAGE_SIZE);
      page.tracker.learn(first.authors);
      $("sessions").replaceChildren();
      showSessions(first);
      showVersions(first.versions ?? await api.versions());
    } catch (e) {
      status(`The history could not be loaded: ${e.message}`);
    }
  }

  async function loadMore() {
    if (next === null) return;
    $("history-more").disabled = true;
    try {
      const more = await api.page(next, PAGE_SIZE);
      page.tracker.learn(more.authors);
      showSessions(more);
    } catch (e) {
      status(`More history could not be loaded: ${e.message}`);
    } finally {
      $("history-more").disabled = false;
    }
  }
  $("history-more").addEventListener("click", loadMore);

  function showSessions({ sessions, next: after }) {
    next = after;
    $("sessions").append(...sessions.map(sessionItem));
    $("history-more").hidden = next === null || $("named-only").checked;
    const count = $("sessions").children.length;
    status(count === 0 ? "Nothing has been written here yet." : "");
  }

  function sessionItem(s) {
    const item = document.createElement("li");
    const button = entryButton(formatSpan(s.start, s.end), s.authors);
    const counts = document.createElement("span");
    counts.className = "entry-counts";
    counts.append(counted("added", `+${s.added}`), " ", counted("removed", `−${s.removed}`));
    button.append(counts);
    button.setAttribute("aria-label", `${formatSpan(s.start, s.end)}, ${names(s.authors)}: ${s.added} characters added, ${s.removed} removed`);
    button.dataset.from = s.from;
    button.dataset.to = s.to;
    button.addEventListener("click", () => {
      select(button);
      const { target, since } = sessionRange(s);
      openRevision(target, since);
    });
    item.append(button);
    return item;
  }

  function showVersions(versions) {
    $("versions").replaceChildren(...versions.map(versionItem));
    $("versions-empty").hidden = versions.length > 0;
  }

  function versionItem(v) {
    const item = document.createElement("li");
    const button = entryButton(v.name, v.author ? [v.author] : []);
    const when = document.createElement("span");
    when.className = "entry-counts";
    when.textContent = `${formatWhen(v.created)} · revision ${v.rev}`;
    button.append(when);
    button.addEventListener("click", () => {
      select(button);
      openRevision(v.rev, v.rev - 1);
    });
    item.append(button);
    if (!session.readOnly) {
      item.append(small("Rename", `Rename “${v.name}”`, async () => {
        const name = window.prompt("Name of this version:", v.name);
        if (name === null || !name.trim()) return;
        await versionAction(() => api.renameVersion(v.id, name.trim()));
      }), small("Delete", `Delete “${v.name}”`, async () => {
        if (!window.confirm(`Delete the name “${v.name}”? The revision itself stays in the history.`)) return;
        await versionAction(() => api.deleteVersion(v.id));
      }));
    }
    return item;
  }

  async function versionAction(run) {
    try {
      await run();
      showVersions(await api.versions());
    } catch (e) {
      page.notice(`The named version could not be changed: ${e.message}`);
    }
  }

  $("name-version").addEventListener("click", async () => {
    if (session.status.state !== "connected") {
      page.notice("A version can be named only while connected to the server.");
      return;
    }
    const name = window.prompt("Name the current version:", `Version of ${formatWhen(Date.now())}`);
    if (name === null || !name.trim()) return;
    await page.awaitSaved();
    await versionAction(() => api.createVersion(session.client.rev, name.trim(), session.author));
  });

  $("named-only").addEventListener("change", () => {
    const only = $("named-only").checked;
    $("sessions-section").hidden = only;
    $("history-more").hidden = only || next === null;
  });

  function entryButton(title, authors) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "history-entry";
    const what = document.createElement("span");
    what.className = "entry-title";
    what.textContent = title;
    const who = document.createElement("span");
    who.className = "entry-authors";
    who.append(...authors.map((id) => chip(id)));
    button.append(what, who);
    return button;
  }

  function chip(id) {
    const { name, color } = page.describe(id);
    const span = document.createElement("span");
    span.className = "author-chip";
    span.style.setProperty("--author-color", color ?? "var(--muted)");
    span.textContent = name || "Unknown author";
    return span;
  }

  function select(button) {
    for (const b of panel.querySelectorAll(".history-entry[aria-current]")) b.removeAttribute("aria-current");
    button.setAttribute("aria-current", "true");
  }

  $("authors").addEventListener("toggle", () => {
    if ($("authors").open) renderAuthors();
  });

  /** The authors: everyone who wrote here, present or gone, with their share of the current text. */
  function renderAuthors() {
    const runs = runsOf(view.state);
    const shares = new Map(runs === null ? [] : authorsIn(runs, 0, view.state.doc.length));
    const present = new Set([...session.peers.values()].map((p) => p.author));
    const ids = [...page.tracker.authors.keys()].sort((a, b) => (page.tracker.author(b).last ?? 0) - (page.tracker.author(a).last ?? 0));
    $("authors-list").replaceChildren(...ids.map((id) => {
      const item = document.createElement("li");
      const a = page.describe(id);
      const about = [a.you ? "you" : present.has(id) ? "here now" : "not here"];
      if (shares.has(id)) about.push(`${shares.get(id)} characters of the text`);
      const times = page.tracker.author(id);
      if (times.first) about.push(formatSpan(times.first, times.last ?? times.first));
      const detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = ` ${about.join(" · ")}`;
      item.append(chip(id), detail);
      return item;
    }));
  }

  // ----- the timeslider -----------------------------------------------------------------------

  function controls() {
    const { rev, head, playing, compare } = timeslider;
    slider.max = String(head);
    slider.value = String(rev);
    slider.setAttribute("aria-valuetext", `Revision ${rev} of ${head}`);
    $("revision-title").textContent = compare ? `Revision ${rev} compared with now` : `Revision ${rev} of ${head}`;
    $("rev-play").textContent = playing ? "Pause" : "Play";
    $("rev-play").setAttribute("aria-pressed", String(playing));
    $("rev-previous").disabled = rev <= 0;
    $("rev-next").disabled = rev >= head;
    $("rev-compare").setAttribute("aria-pressed", String(compare));
    $("rev-compare").disabled = rev >= head;
    $("rev-restore").disabled = rev >= head;
    if (!revision.hidden) history.replaceState(null, "", `${location.pathname}?rev=${rev}`);
  }

  function caption(shown) {
    const parts = [];
    if (shown.compare) {
      parts.push(`The text now (revision ${shown.target}), highlighted: what changed since revision ${shown.rev}`);
    } else {
      if (shown.time) parts.push(formatWhen(shown.time));
      if (shown.author) parts.push(`by ${page.describe(shown.author).name || "an unknown author"}`);
      parts.push(shown.segments.length > 0 ? `highlighted: changes since revision ${shown.since}` : "no changes highlighted");
    }
    $("revision-meta").textContent = parts.join(" · ");
  }

  slider.addEventListener("input", () => {
    timeslider.pause();
    clearTimeout(scrubTimer);
    scrubTimer = setTimeout(() => timeslider.show(Number(slider.value)), SCRUB_DELAY_MS);
  });
  $("rev-previous").addEventListener("click", () => timeslider.previous());
  $("rev-next").addEventListener("click", () => timeslider.next());
  $("rev-play").addEventListener("click", () => (timeslider.playing ? timeslider.pause() : timeslider.play()));
  $("rev-compare").addEventListener("click", () => timeslider.toggleCompare());
  $("rev-link").addEventListener("click", () => page.copyLink($("rev-link"), revisionLink(location.origin, page.docId, timeslider.rev)));
  $("rev-download").addEventListener("click", async () => {
    try {
      const text = await timeslider.loader.text(timeslider.rev);
      page.download(text, "md", "text/markdown", `${page.fileName()} (revision ${timeslider.rev})`);
    } catch (e) {
      page.notice(`The text of revision ${timeslider.rev} could not be downloaded: ${e.message}`);
    }
  });
  $("rev-restore").addEventListener("click", () => restore(timeslider.rev));

  // ----- restore ------------------------------------------------------------------------------

  /** Restores revision n after asking, as one edit of this person's that Ctrl-Z takes back. */
  async function restore(n) {
    if (!window.confirm(`Restore revision ${n}? The document becomes the text it had then, for everyone, as one edit of yours `
      + "(Ctrl-Z undoes it). Nothing is removed from the history.")) return;
    const button = $("rev-restore");
    button.disabled = true;
    try {
      const restored = await restoreRevision(n, {
        session, api,
        textAt: (rev) => timeslider.loader.text(rev),
        currentText: () => view.state.doc.toString(),
        awaitSaved: page.awaitSaved,
        apply: (op, inserted) => {
          close();
          view.dispatch({
            changes: operationToChanges(op),
            annotations: [restoring.of({ rev: n, inserted }), isolateHistory.of("full"), Transaction.userEvent.of("restore")],
            scrollIntoView: true,
          });
        },
      });
      close();
      view.focus();
      page.notice(restored ? `Revision ${n} is restored. Ctrl-Z undoes it.` : `The document already has the text of revision ${n}.`, { kind: "info" });
    } catch (e) {
      page.notice(`Revision ${n} could not be restored: ${e.message}`);
    } finally {
      button.disabled = false;
    }
  }

  // ----- helpers ------------------------------------------------------------------------------

  function status(text) {
    $("history-status").textContent = text;
  }

  function names(ids) {
    return ids.map((id) => page.describe(id).name || "an unknown author").join(", ");
  }

  function counted(kind, text) {
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = text;
    return span;
  }

  function small(text, label, run) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "entry-action";
    button.textContent = text;
    button.setAttribute("aria-label", label);
    button.addEventListener("click", run);
    return button;
  }

  const atStart = revisionFromSearch(location.search);

  return {
    open,
    close,
    isOpen,
    /** The page was opened with ?rev=N: the panel opens there once the session knows the document. */
    openFromAddress() {
      if (atStart !== null) open(atStart);
    },
    /** A revision was confirmed or the authors changed: the slider's end and the authors list follow. */
    refresh() {
      if (!isOpen()) return;
      timeslider.setHead(session.client?.rev ?? timeslider.head);
      if (!panel.hidden && $("authors").open) renderAuthors();
    },
  };
}
