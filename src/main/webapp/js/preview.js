// Markdown preview, rendered safely, in two layers. First, raw HTML written in a document
// is shown as text, never parsed as markup: Markdown's own syntax (headings, emphasis,
// links, images, tables, code) is what renders. Then DOMPurify removes anything that could
// still run (event handler attributes, javascript: URLs, forms) before it reaches the page.
// Links open in a new tab without access to this one.

import { Marked } from "marked";
import DOMPurify from "dompurify";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const markdown = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
  },
});

let hooked = false;

function installHooks() {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook("afterSanitizeAttributes", (node) => {
    if (node.tagName === "A" && node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", "noopener noreferrer nofollow");
    }
  });
}

/** Safe HTML for a Markdown text. */
export function renderMarkdown(text) {
  installHooks();
  const html = markdown.parse(text);
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "object", "embed"],
    FORBID_ATTR: ["style"],
  });
}

/** Renders text into element, at most once per animation frame however fast it changes. */
export function livePreview(element) {
  let pending = null;
  return (text) => {
    if (pending !== null) {
      pending = text;
      return;
    }
    pending = text;
    requestAnimationFrame(() => {
      element.innerHTML = renderMarkdown(pending);
      pending = null;
    });
  };
}
