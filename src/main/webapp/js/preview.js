// Markdown preview, rendered safely, in two layers. First, raw HTML written in a document
// is shown as text, never parsed as markup: Markdown's own syntax (headings, emphasis,
// links, images, tables, task lists, code) is what renders. Then DOMPurify removes anything
// that could still run (event handler attributes, javascript: URLs, forms, any input but a
// task's checkbox) before it reaches the page. Links open in a new tab without access to
// this one. Fenced code is coloured by highlight.js when the page loaded it (its output
// goes through DOMPurify like the rest).

import { Marked } from "marked";
import DOMPurify from "dompurify";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** The id of a heading: "h-" (so that no id can shadow a property of document) and its words. */
export function headingId(text, taken) {
  const base = "h-" + (text.toLowerCase().normalize("NFKD").replace(/[^\p{L}\p{N}\s-]/gu, "").trim().replace(/\s+/g, "-").slice(0, 60) || "section");
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function highlighted(text, lang) {
  const hljs = globalThis.hljs;
  const language = (lang ?? "").trim().split(/\s+/)[0].toLowerCase();
  if (!hljs || !language || !hljs.getLanguage(language)) return null;
  try {
    return { html: hljs.highlight(text, { language, ignoreIllegals: true }).value, language };
  } catch {
    return null;
  }
}

let headingIds = new Set();

const markdown = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    checkbox: ({ checked }) => `<input type="checkbox" class="task"${checked ? " checked" : ""} disabled>`,
    heading({ tokens, depth, text }) {
      return `<h${depth} id="${headingId(text, headingIds)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
    },
    code({ text, lang }) {
      const colours = highlighted(text, lang);
      if (colours === null) return false; // marked's own rendering
      return `<pre><code class="hljs language-${escapeHtml(colours.language)}">${colours.html}</code></pre>\n`;
    },
  },
});

let hooked = false;

function installHooks() {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.hasAttribute("href") && !node.getAttribute("href").startsWith("#")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer nofollow");
    }
    if (node.tagName === "INPUT" && node.getAttribute("type") !== "checkbox") node.remove();
  });
}

/** Safe HTML for a Markdown text. */
export function renderMarkdown(text) {
  installHooks();
  headingIds = new Set();
  const html = markdown.parse(text);
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "button", "textarea", "select", "iframe", "object", "embed"],
    FORBID_ATTR: ["style", "name", "value", "formaction"],
  });
}

/** A "Contents" list of the headings in element (levels 1 to 3), when there are at least three. */
export function tableOfContents(element) {
  const headings = [...element.querySelectorAll("h1[id], h2[id], h3[id]")];
  if (headings.length < 3) return null;
  const nav = document.createElement("nav");
  nav.className = "toc";
  nav.setAttribute("aria-label", "Contents");
  const title = document.createElement("p");
  title.className = "toc-title";
  title.textContent = "Contents";
  const list = document.createElement("ul");
  for (const h of headings) {
    const item = document.createElement("li");
    item.className = `toc-${h.tagName.toLowerCase()}`;
    const link = document.createElement("a");
    link.href = `#${h.id}`;
    link.textContent = h.textContent;
    item.append(link);
    list.append(item);
  }
  nav.append(title, list);
  return nav;
}

/**
 * Renders text into element, at most once per animation frame however fast it changes, and
 * calls rendered(element) after each rendering.
 */
export function livePreview(element, rendered = () => {}) {
  let pending = null;
  return (text) => {
    if (pending !== null) {
      pending = text;
      return;
    }
    pending = text;
    requestAnimationFrame(() => {
      element.innerHTML = renderMarkdown(pending);
      const toc = tableOfContents(element);
      if (toc !== null) element.prepend(toc);
      pending = null;
      rendered(element);
    });
  };
}
