// Markdown preview, rendered safely: marked turns the text into HTML and DOMPurify removes
// everything that could run (script elements, event handler attributes, javascript: URLs,
// forms) before it reaches the page. Links open in a new tab without access to this one.

import { marked } from "marked";
import DOMPurify from "dompurify";

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
  const html = marked.parse(text, { async: false, gfm: true, breaks: false });
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
