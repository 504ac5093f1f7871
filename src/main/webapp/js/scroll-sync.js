// Scroll sync between the editor and the preview in the split view: the same heading is at
// the top of both. Headings are the anchors (their line in the source, their element in the
// preview); between two anchors the position is interpolated linearly.

import { headingLines } from "./markdown-text.js";

/**
 * The y for x on the polyline through anchors ([[x, y], ...] with increasing x); clamped to
 * the first and last anchor.
 */
export function interpolate(anchors, x) {
  if (anchors.length === 0) return 0;
  if (x <= anchors[0][0]) return anchors[0][1];
  for (let i = 1; i < anchors.length; i++) {
    const [x1, y1] = anchors[i];
    if (x <= x1) {
      const [x0, y0] = anchors[i - 1];
      return x1 === x0 ? y1 : y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
    }
  }
  return anchors[anchors.length - 1][1];
}

/**
 * Pairs of [editor y, preview y]: the document's start, each heading, and its end. When the
 * preview has a different number of headings than the source (a heading the line reader does
 * not know, like "Title\n==="), only the start and end are paired.
 */
export function anchorPairs(editorHeadingYs, previewHeadingYs, editorEnd, previewEnd) {
  const pairs = [[0, 0]];
  if (editorHeadingYs.length === previewHeadingYs.length) {
    editorHeadingYs.forEach((y, i) => pairs.push([y, previewHeadingYs[i]]));
  }
  pairs.push([editorEnd, previewEnd]);
  // Keep x increasing (two headings on one visual line, or a preview shorter than the editor).
  return pairs.filter((p, i) => i === 0 || p[0] > pairs[i - 1][0]);
}

/** Keeps the preview's scroll position following the editor's, and back, while both are shown. */
export function scrollSync(view, preview) {
  let pairs = null;
  let leader = null; // the side whose scroll is being followed; the other's scroll event is an echo
  let release = 0;
  const shown = () => !preview.hidden && view.dom.offsetParent !== null && getComputedStyle(view.dom).display !== "none";
  const compute = () => {
    const text = view.state.doc.toString();
    const editorYs = headingLines(text).map((n) => view.lineBlockAt(view.state.doc.line(n).from).top);
    const previewYs = [...preview.querySelectorAll("h1, h2, h3, h4, h5, h6")].map((h) => h.offsetTop - preview.offsetTop);
    pairs = anchorPairs(editorYs, previewYs, view.contentHeight, preview.scrollHeight);
  };
  const follow = (side, run) => {
    if (!shown() || (leader !== null && leader !== side)) return;
    leader = side;
    clearTimeout(release);
    release = setTimeout(() => (leader = null), 150);
    if (pairs === null) compute();
    run();
  };
  view.scrollDOM.addEventListener("scroll", () => follow("editor", () => {
    preview.scrollTop = interpolate(pairs, view.scrollDOM.scrollTop);
  }));
  preview.addEventListener("scroll", () => follow("preview", () => {
    view.scrollDOM.scrollTop = interpolate(pairs.map(([e, p]) => [p, e]), preview.scrollTop);
  }));
  return {
    /** The preview was rendered again: anchors are measured afresh at the next scroll. */
    rendered() {
      pairs = null;
    },
  };
}
