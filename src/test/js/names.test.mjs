// node --test: default names and download file names.
import { test } from "node:test";
import assert from "node:assert/strict";
import { authorSecret, defaultName, fileNameFor, titleOf } from "../../main/webapp/js/names.js";

test("a default name is two capitalised words, never random characters", () => {
  for (let i = 0; i < 200; i++) assert.match(defaultName(), /^[A-Z][a-z]+ [A-Z][a-z]+$/);
  assert.equal(defaultName(() => 0), "Amber Badger");
  assert.equal(defaultName(() => 0.9999), "Witty Wren");
});

test("a file name keeps the title's dashes and accents and has no double spaces", () => {
  assert.equal(fileNameFor("Team sync – 12 March", "id"), "Team sync – 12 March");
  assert.equal(fileNameFor("Q1/Q2: plan *draft*", "id"), "Q1 Q2 plan draft");
  assert.equal(fileNameFor("Café — notes", "id"), "Café — notes");
  assert.equal(fileNameFor("  ..hidden..  ", "id"), "hidden");
  assert.equal(fileNameFor("???", "abc"), "abc");
  assert.equal(fileNameFor("", "abc"), "abc");
  assert.equal([...fileNameFor("😀".repeat(100), "x")].length, 80, "never splits a character");
});

test("the title is the first line without heading marks", () => {
  assert.equal(titleOf("# Team sync – 12 March\n\nagenda"), "Team sync – 12 March");
  assert.equal(titleOf("plain first line"), "plain first line");
  assert.equal(titleOf("\nsecond"), "");
});

test("the author secret is 192 random bits in base64url, made once per browser", () => {
  const items = new Map();
  const storage = { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => items.set(k, v) };
  const secret = authorSecret(storage);
  assert.match(secret, /^[A-Za-z0-9_-]{32}$/);
  assert.equal(authorSecret(storage), secret, "kept");
  assert.notEqual(authorSecret({ getItem: () => null, setItem() {} }), secret);
  items.set("concord.author", "short");
  assert.notEqual(authorSecret(storage), "short", "what is not a secret is replaced");
  items.set("concord.author", "x".repeat(129));
  assert.match(authorSecret(storage), /^[A-Za-z0-9_-]{32}$/, "the server takes at most 128 characters");
  assert.equal(authorSecret({ getItem() { throw new Error("no storage"); } }), null);
});
