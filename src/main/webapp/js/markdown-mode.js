// Markdown highlighting for CodeMirror 6 as a small line-based stream parser.
//
// @codemirror/lang-markdown (with @lezer/markdown and lang-html/css/javascript behind it) is
// not on the Maven mirror this project builds from, so this module stands in for it with
// the same entry point: `markdown()` returns a LanguageSupport. Swapping in the real package
// later is a one-line change of import in editor-page.js.
//
// It colours what a writer scans for (headings, emphasis, code, links, lists, quotes,
// rules) and nothing it could get wrong in a way that matters: every token ends on its own
// line, except fenced code blocks, whose fence is the only state carried across lines.

import {HighlightStyle, LanguageSupport, StreamLanguage, syntaxHighlighting} from "@codemirror/language";
import {tags} from "@lezer/highlight";

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(?=\s|$)/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}>/;
const LIST_MARK = /^\s*(?:[-*+]|\d{1,9}[.)])(?=\s|$)/;

const INLINE = [
  [/^\\./, null],                                             // an escaped character is plain
  [/^(\*\*|__)(?=\S).*?\S\1/, "strong"],
  [/^(\*|_)(?![\s*_]).*?[^\s\\]\1/, "emphasis"],
  [/^~~(?=\S).*?\S~~/, "strikethrough"],
  [/^!?\[[^\]\n]*\]\([^)\s]*(?:\s+"[^"]*")?\)/, "link"],
  [/^<[a-z][a-z0-9+.-]*:[^\s<>]*>/i, "url"],
];

const markdownParser = {
  name: "markdown",
  startState: () => ({fence: null}),
  copyState: state => ({fence: state.fence}),

  token(stream, state) {
    if (state.fence) {
      const close = stream.sol() && stream.match(FENCE, false);
      if (close && close[1][0] === state.fence[0] && close[1].length >= state.fence.length
          && /^\s*$/.test(stream.string.slice(close[0].length))) {
        state.fence = null;
        stream.skipToEnd();
        return "meta";
      }
      stream.skipToEnd();
      return "monospace";
    }
    if (stream.sol()) {
      const fence = stream.match(FENCE);
      if (fence) {
        state.fence = fence[1];
        stream.skipToEnd();
        return "meta";
      }
      if (stream.match(HEADING)) {
        stream.skipToEnd();
        return "heading";
      }
      if (stream.match(RULE)) return "contentSeparator";
      if (stream.match(QUOTE)) return "quote";
      if (stream.match(LIST_MARK)) return "list";
    }
    return inline(stream);
  },

  // Only ( and [ close themselves: in prose a quote or apostrophe is rarely a pair, and a
  // "{" with Enter left its auto-inserted "}" on a line of its own below the caret.
  languageData: {commentTokens: {block: {open: "<!--", close: "-->"}}, closeBrackets: {brackets: ["(", "["]}},
};

function inline(stream) {
  const ticks = stream.match(/^`+/);
  if (ticks) {
    const end = stream.string.indexOf(ticks[0], stream.pos);
    if (end < 0) return null;
    stream.pos = end + ticks[0].length;
    return "monospace";
  }
  for (const [pattern, style] of INLINE) {
    if (stream.match(pattern)) return style;
  }
  stream.next();
  stream.eatWhile(/[^`*_~!\[<\\]/);
  return null;
}

// Complete on its own: a language's style switches off basicSetup's fallback style.
const markdownStyle = HighlightStyle.define([
  {tag: tags.heading, fontWeight: "bold", color: "var(--accent)"},
  {tag: tags.emphasis, fontStyle: "italic"},
  {tag: tags.strong, fontWeight: "bold"},
  {tag: tags.strikethrough, textDecoration: "line-through"},
  {tag: [tags.link, tags.url], color: "var(--accent)", textDecoration: "underline"},
  {tag: tags.monospace, backgroundColor: "var(--surface)"},
  {tag: [tags.quote, tags.list, tags.contentSeparator, tags.meta], color: "var(--muted)"},
]);

export const markdownLanguage = StreamLanguage.define(markdownParser);

/** Markdown highlighting, as an extension for an EditorView. */
export function markdown() {
  return new LanguageSupport(markdownLanguage, [syntaxHighlighting(markdownStyle)]);
}
