// node --test: task list markers are found where the preview's checkboxes come from, and
// Enter continues lists, task lists and quotes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { continuation, taskMarkers, toggleTask } from "../../main/webapp/js/markdown-text.js";

test("task markers are found in lists, numbered lists and quotes, in order", () => {
  const text = "# Plan\n- [ ] milk\n- [x] bread\n  * [X] nested\n1. [ ] first\n> - [ ] quoted\n- not a task\n- [] nor this\n";
  const markers = taskMarkers(text);
  assert.deepEqual(markers.map((m) => m.checked), [false, true, true, false, false]);
  for (const m of markers) assert.match(text[m.at], /[ xX]/);
  assert.equal(text.slice(markers[0].at - 3, markers[0].at + 2), "- [ ]");
});

test("lines in fenced code blocks are not tasks", () => {
  const text = "```\n- [ ] code\n```\n~~~~\n- [x] more code\n~~~\n~~~~\n- [ ] real";
  assert.equal(taskMarkers(text).length, 1);
});

test("toggling edits exactly the character between the brackets", () => {
  const text = "- [ ] a\n- [x] b";
  assert.deepEqual(toggleTask(text, 0, true), { from: 3, to: 4, insert: "x" });
  assert.deepEqual(toggleTask(text, 1, false), { from: 11, to: 12, insert: " " });
  assert.equal(toggleTask(text, 2, true), null);
});

test("a list item continues with the same bullet, a numbered one with the next number", () => {
  assert.deepEqual(continuation("- milk"), { insert: "\n- " });
  assert.deepEqual(continuation("  * nested"), { insert: "\n  * " });
  assert.deepEqual(continuation("9. nine"), { insert: "\n10. " });
  assert.deepEqual(continuation("3) three"), { insert: "\n4) " });
});

test("a task continues as an open task, ticked or not", () => {
  assert.deepEqual(continuation("- [x] done"), { insert: "\n- [ ] " });
  assert.deepEqual(continuation("> - [ ] quoted"), { insert: "\n> - [ ] " });
});

test("Enter on an empty item ends the list; a quote continues; prose does not", () => {
  assert.deepEqual(continuation("- "), { clear: 2 });
  assert.deepEqual(continuation("- [ ] "), { clear: 6 });
  assert.deepEqual(continuation("> said"), { insert: "\n> " });
  assert.deepEqual(continuation("> "), { clear: 2 });
  assert.equal(continuation("plain text"), null);
  assert.equal(continuation("-not a list"), null);
});
