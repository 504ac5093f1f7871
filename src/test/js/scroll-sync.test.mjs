// node --test: the editor's and preview's scroll positions are paired at headings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { anchorPairs, interpolate } from "../../main/webapp/js/scroll-sync.js";
import { headingLines } from "../../main/webapp/js/markdown-text.js";

test("positions between anchors are interpolated and clamped at the ends", () => {
  const pairs = [[0, 0], [100, 400], [200, 500]];
  assert.equal(interpolate(pairs, 50), 200);
  assert.equal(interpolate(pairs, 150), 450);
  assert.equal(interpolate(pairs, -5), 0);
  assert.equal(interpolate(pairs, 999), 500);
  assert.equal(interpolate([], 10), 0);
});

test("headings pair up only when both sides have the same number of them", () => {
  assert.deepEqual(anchorPairs([10, 50], [30, 90], 100, 200), [[0, 0], [10, 30], [50, 90], [100, 200]]);
  assert.deepEqual(anchorPairs([10], [30, 90], 100, 200), [[0, 0], [100, 200]]);
  assert.deepEqual(anchorPairs([0, 10], [0, 30], 100, 200), [[0, 0], [10, 30], [100, 200]], "x keeps increasing");
});

test("heading lines skip fenced code", () => {
  assert.deepEqual(headingLines("# A\ntext\n```\n# not\n```\n## B\n#nospace"), [1, 6]);
});
