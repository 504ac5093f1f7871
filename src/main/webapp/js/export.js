// A document as a standalone HTML file: the preview's sanitised rendering with a stylesheet
// of its own inside, images left as links to where they are (nothing is fetched).

import { renderMarkdown } from "./preview.js";

const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

const STYLE = `
body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; font: 1rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #fff; }
h1, h2, h3 { line-height: 1.25; }
a { color: #1f4e8c; }
img { max-width: 100%; height: auto; }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 0.9em; background: #f4f6f8; }
pre { padding: 0.75rem; overflow-x: auto; border-radius: 6px; }
code { padding: 0.1em 0.3em; border-radius: 3px; }
pre code { padding: 0; }
blockquote { margin: 1rem 0; padding: 0 1rem; border-left: 4px solid #c9d1d9; color: #57606a; }
table { border-collapse: collapse; }
th, td { border: 1px solid #c9d1d9; padding: 0.3rem 0.6rem; }
li:has(> input[type=checkbox]) { list-style: none; }
.hljs-keyword, .hljs-built_in, .hljs-type { color: #a626a4; }
.hljs-string, .hljs-regexp { color: #2f6f08; }
.hljs-comment { color: #5c6370; font-style: italic; }
.hljs-number, .hljs-literal { color: #9a4a00; }
.hljs-title, .hljs-attr { color: #1f4e8c; }
@media (prefers-color-scheme: dark) {
  body { color: #e6edf3; background: #0d1117; }
  a { color: #79b8ff; }
  pre, code { background: #161b22; }
  blockquote { color: #9da7b3; border-color: #3d444d; }
  th, td { border-color: #3d444d; }
}
`;

/** The whole HTML file for a document titled title. */
export function standaloneHtml(title, text) {
  const name = String(title).replace(/[&<>"]/g, (c) => ESCAPES[c]);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Concord">
<title>${name}</title>
<style>${STYLE}</style>
</head>
<body>
${renderMarkdown(text)}
</body>
</html>
`;
}
