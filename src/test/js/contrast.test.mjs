// node --test: every colour pair of the stylesheet's light and dark palettes, and the name
// labels on every cursor colour the server hands out, meet WCAG 2.1 AA contrast: 4.5:1 for
// text, 3:1 for marks that are not text (status dots, focus rings, borders of inputs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

const css = await readFile(new URL("../../main/webapp/css/concord.css", import.meta.url), "utf8");
const java = await readFile(new URL("../../main/java/app/concord/collab/DocumentAuthority.java", import.meta.url), "utf8");

/** The custom properties (--name: #hex) of the first :root block after marker in css. */
function palette(marker) {
  const from = css.indexOf(marker);
  assert.ok(from >= 0, `no ${marker} in concord.css`);
  const block = css.slice(css.indexOf(":root {", from), css.indexOf("}", css.indexOf(":root {", from)));
  return Object.fromEntries([...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{6})\b/gi)].map((m) => [m[1], m[2]]));
}

function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT = [
  ["fg", "bg"], ["fg", "surface"], ["muted", "bg"], ["muted", "surface"], ["accent", "bg"], ["accent", "surface"],
  ["accent-fg", "accent"], ["error", "bg"], ["error", "surface"], ["notice-fg", "notice-bg"], ["info-fg", "info-bg"],
  ["code-keyword", "surface"], ["code-string", "surface"], ["code-comment", "surface"], ["code-number", "surface"],
  ["code-title", "surface"], ["ok", "bg"], ["ok", "surface"],
];
const MARKS = [["ok", "surface"], ["warn", "surface"], ["error", "surface"], ["focus", "bg"], ["focus", "surface"], ["muted", "bg"]];

for (const [name, marker] of [["light", ":root {"], ["dark", "prefers-color-scheme: dark"]]) {
  test(`the ${name} palette meets WCAG AA`, () => {
    const colours = palette(marker);
    const failures = [];
    for (const [pairs, minimum] of [[TEXT, 4.5], [MARKS, 3]]) {
      for (const [fg, bg] of pairs) {
        assert.ok(colours[fg] && colours[bg], `--${fg} and --${bg} are defined`);
        const ratio = contrast(colours[fg], colours[bg]);
        if (ratio < minimum) failures.push(`--${fg} on --${bg}: ${ratio.toFixed(2)} < ${minimum}`);
      }
    }
    assert.deepEqual(failures, []);
  });
}

test("white name labels meet WCAG AA on every cursor colour", () => {
  const list = /COLORS = List\.of\(([^;]*)\);/.exec(java);
  assert.ok(list, "DocumentAuthority.COLORS");
  const colours = [...list[1].matchAll(/"(#[0-9a-f]{6})"/gi)].map((m) => m[1]);
  assert.equal(colours.length, 12);
  const failures = colours.filter((c) => contrast("#ffffff", c) < 4.5).map((c) => `${c}: ${contrast("#ffffff", c).toFixed(2)}`);
  assert.deepEqual(failures, []);
});

/** #rrggbb of colour at share (0..1) over background, as color-mix(in srgb, colour share, transparent) on it. */
function over(colour, share, background) {
  const channel = (hex, i) => parseInt(hex.slice(i, i + 2), 16);
  return "#" + [1, 3, 5].map((i) => Math.round(share * channel(colour, i) + (1 - share) * channel(background, i))
    .toString(16).padStart(2, "0")).join("");
}

test("text tinted in its author's colour keeps AA contrast, light and dark", () => {
  const colours = [...(/COLORS = List\.of\(([^;]*)\);/.exec(java))[1].matchAll(/"(#[0-9a-f]{6})"/gi)].map((m) => m[1]);
  const failures = [];
  for (const selector of [".cm-author {", ".cm-inserted {"]) {
    const block = css.slice(css.indexOf(selector), css.indexOf("}", css.indexOf(selector)));
    const share = /color-mix\(in srgb, var\(--author-color\) (\d+)%, transparent\)/.exec(block);
    assert.ok(share, `${selector} tints with color-mix`);
    for (const [name, marker] of [["light", ":root {"], ["dark", "prefers-color-scheme: dark"]]) {
      const { fg, bg } = palette(marker);
      for (const c of colours) {
        const ratio = contrast(fg, over(c, Number(share[1]) / 100, bg));
        if (ratio < 4.5) failures.push(`${selector} ${name} ${c}: ${ratio.toFixed(2)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test("the contrast formula gives WCAG's reference values", () => {
  assert.equal(contrast("#000000", "#ffffff").toFixed(1), "21.0");
  assert.equal(contrast("#777777", "#ffffff").toFixed(2), "4.48");
  assert.equal(contrast("#c0ca33", "#ffffff").toFixed(1), "1.8", "the lime the issue found failing");
});
