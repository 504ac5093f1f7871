// node --test: the JS algebra obeys the same laws as the Java one, and gives the same
// answers on the shared vectors in src/test/resources/ot-vectors.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { TextOperation, transform, transformRange, InvalidOperation } from "../../main/webapp/js/ot.js";
import { random, randomDoc, randomOp } from "./random.mjs";

const CASES = 1000;

test("the protocol's examples apply as written", () => {
  assert.equal(TextOperation.fromWire([5, " world"]).apply("hello"), "hello world");
  assert.equal(TextOperation.fromWire([-1, "H", 4]).apply("hello"), "Hello");
  assert.equal(TextOperation.fromWire([]).apply(""), "");
  assert.equal(TextOperation.fromWire([3]).apply("abc"), "abc");
});

test("non-canonical input is normalised and bad input named", () => {
  assert.deepEqual(TextOperation.fromWire([1, 0, 2, "", "a", "b", -1, -2]).toWire(), [3, "ab", -3]);
  assert.deepEqual(TextOperation.fromWire([-2, "x", 1]).toWire(), ["x", -2, 1]);
  assert.throws(() => TextOperation.fromWire([1.5]), /component 0/);
  assert.throws(() => TextOperation.fromWire([null]), InvalidOperation);
  assert.throws(() => TextOperation.fromWire(["\ud800"]), /unpaired surrogate/);
  assert.throws(() => TextOperation.fromWire([2]).apply("abc"), /length 2 but the document has length 3/);
  assert.throws(() => TextOperation.fromWire([1, "x", 1]).apply("😀"), /surrogate pair/);
});

// transform convergence: later' after prior equals prior' after later; prior's insert stays left.
test("transformed operations converge", () => {
  for (let i = 0; i < CASES; i++) {
    const rnd = random(i);
    const doc = randomDoc(rnd);
    const a = randomOp(rnd, doc);
    const b = randomOp(rnd, doc);
    const [a2, b2] = transform(a, b);
    assert.equal(b2.apply(a.apply(doc)), a2.apply(b.apply(doc)), `seed ${i}: doc ${JSON.stringify(doc)} a ${a} b ${b}`);
  }
  const [, later] = transform(TextOperation.fromWire(["A"]), TextOperation.fromWire(["B"]));
  assert.equal(later.apply("A"), "AB");
});

// compose: applying a then b equals applying a.compose(b).
test("composition equals sequential application", () => {
  for (let i = 0; i < CASES; i++) {
    const rnd = random(i);
    const doc = randomDoc(rnd);
    const a = randomOp(rnd, doc);
    const b = randomOp(rnd, a.apply(doc));
    assert.equal(a.compose(b).apply(doc), b.apply(a.apply(doc)), `seed ${i}: doc ${JSON.stringify(doc)} a ${a} b ${b}`);
  }
});

// invert: the inverse undoes the operation.
test("the inverse undoes an operation", () => {
  for (let i = 0; i < CASES; i++) {
    const rnd = random(i);
    const doc = randomDoc(rnd);
    const a = randomOp(rnd, doc);
    assert.equal(a.invert(doc).apply(a.apply(doc)), doc, `seed ${i}: doc ${JSON.stringify(doc)} a ${a}`);
  }
});

// normalisation is idempotent: reading an operation's wire form gives the same operation.
test("normalisation is idempotent", () => {
  for (let i = 0; i < CASES; i++) {
    const rnd = random(i);
    const a = randomOp(rnd, randomDoc(rnd));
    assert.ok(TextOperation.fromWire(a.toWire()).equals(a), `seed ${i}: ${a}`);
  }
});

// positions: a kept code unit at i is found at transformPosition(i, true) after the operation.
test("position transform agrees with apply", () => {
  for (let i = 0; i < CASES; i++) {
    const rnd = random(i);
    const doc = randomDoc(rnd);
    const a = randomOp(rnd, doc);
    const after = a.apply(doc);
    let pos = 0;
    for (const c of a.ops) {
      if (typeof c === "number" && c > 0) {
        for (let k = pos; k < pos + c; k++) {
          assert.equal(after[a.transformPosition(k, true)], doc[k], `seed ${i}: doc ${JSON.stringify(doc)} a ${a} at ${k}`);
        }
      }
      if (typeof c !== "string") pos += Math.abs(c);
    }
  }
});

test("a selection does not grow at its edges and a caret follows its owner", () => {
  const op = TextOperation.fromWire([2, "xy", 3]);
  assert.deepEqual(transformRange([2, 5], op), [4, 7]);
  assert.deepEqual(transformRange([0, 2], op), [0, 2]);
  assert.deepEqual(transformRange([2, 2], op, false), [2, 2]);
  assert.deepEqual(transformRange([2, 2], op, true), [4, 4]);
  assert.deepEqual(transformRange([5, 2], op), [7, 4]);
});

test("the shared vectors give the same answers as the server's algebra", () => {
  const vectors = JSON.parse(readFileSync(new URL("../resources/ot-vectors.json", import.meta.url), "utf8"));
  assert.ok(vectors.cases.length >= 100);
  for (const v of vectors.cases) {
    const a = TextOperation.fromWire(v.a);
    const b = TextOperation.fromWire(v.b);
    const label = JSON.stringify(v);
    assert.deepEqual(a.toWire(), v.aCanonical, label);
    assert.equal(a.apply(v.doc), v.applied, label);
    const [a2, b2] = transform(a, b);
    assert.deepEqual(a2.toWire(), v.transformed[0], label);
    assert.deepEqual(b2.toWire(), v.transformed[1], label);
    assert.deepEqual(a.invert(v.doc).toWire(), v.inverse, label);
    const next = TextOperation.fromWire(v.next);
    assert.deepEqual(a.compose(next).toWire(), v.composed, label);
    assert.deepEqual(v.positions.map((p) => [a.transformPosition(p, false), a.transformPosition(p, true)]), v.mapped, label);
  }
  for (const bad of vectors.invalid) {
    assert.throws(() => TextOperation.fromWire(bad.ops).apply(bad.doc), InvalidOperation, JSON.stringify(bad));
  }
});
