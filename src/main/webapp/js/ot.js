// The operation algebra of protocol v1 (docs/PROTOCOL.md "Operations"), the same as the
// server's app.concord.ot.TextOperation and checked against the same JSON test vectors.
// An operation walks a whole UTF-16 document: a positive number retains, a string inserts,
// a negative number deletes. Instances are immutable and canonical: no zero-length
// components, no two adjacent components of one kind, an insert before a delete it touches.
//
// Laws (tested in src/test/js/ot.test.mjs):
//   compose:   b.apply(a.apply(d)) === a.compose(b).apply(d)
//   transform: [p2, l2] = transform(p, l) gives l2.apply(p.apply(d)) === p2.apply(l.apply(d)),
//              and p's insert stays left of l's at the same position
//   invert:    a.invert(d).apply(a.apply(d)) === d

export class InvalidOperation extends Error {}

export class TextOperation {
  /** @param {Array<number|string>} ops canonical components; use the builder methods instead. */
  constructor(ops = [], baseLength = 0, targetLength = 0) {
    this.ops = ops;
    this.baseLength = baseLength;
    this.targetLength = targetLength;
  }

  static identity(length) {
    return new TextOperation().retain(length);
  }

  /** Replaces deleteCount code units at pos of a document of the given length with text. */
  static splice(length, pos, deleteCount, text) {
    if (pos < 0 || deleteCount < 0 || pos + deleteCount > length) {
      throw new InvalidOperation(`splice of ${deleteCount} at ${pos} is outside a document of length ${length}`);
    }
    return new TextOperation().retain(pos).insert(text).delete(deleteCount).retain(length - pos - deleteCount);
  }

  /** Reads the wire form, accepting non-canonical input; throws InvalidOperation naming the component. */
  static fromWire(values) {
    if (!Array.isArray(values)) throw new InvalidOperation("an operation must be an array");
    let op = new TextOperation();
    values.forEach((v, i) => {
      if (typeof v === "string") {
        const bad = firstUnpairedSurrogate(v);
        if (bad >= 0) throw new InvalidOperation(`component ${i}: insert has an unpaired surrogate at offset ${bad}`);
        op = op.insert(v);
      } else if (typeof v === "number" && Number.isInteger(v)) {
        if (v > 0x7fffffff || v < -0x7fffffff) throw new InvalidOperation(`component ${i}: length ${v} is out of range`);
        op = v > 0 ? op.retain(v) : v < 0 ? op.delete(-v) : op;
      } else {
        throw new InvalidOperation(`component ${i}: expected an integer or a string`);
      }
    });
    return op;
  }

  toWire() {
    return this.ops.slice();
  }

  toJSON() {
    return this.ops;
  }

  toString() {
    return JSON.stringify(this.ops);
  }

  isIdentity() {
    return this.ops.length === 0 || (this.ops.length === 1 && isRetain(this.ops[0]));
  }

  equals(other) {
    return this.ops.length === other.ops.length && this.ops.every((c, i) => c === other.ops[i]);
  }

  // Builders return new operations, so an operation never changes once built.
  retain(n) {
    if (n < 0) throw new InvalidOperation(`retain of negative length ${n}`);
    if (n === 0) return this;
    const ops = this.ops.slice();
    const last = ops.length - 1;
    if (last >= 0 && isRetain(ops[last])) ops[last] += n; else ops.push(n);
    return new TextOperation(ops, this.baseLength + n, this.targetLength + n);
  }

  insert(s) {
    if (s === "") return this;
    const ops = this.ops.slice();
    const last = ops.length - 1;
    if (last >= 0 && isInsert(ops[last])) {
      ops[last] += s;
    } else if (last >= 0 && isDelete(ops[last])) {
      if (last >= 1 && isInsert(ops[last - 1])) ops[last - 1] += s; else ops.splice(last, 0, s);
    } else {
      ops.push(s);
    }
    return new TextOperation(ops, this.baseLength, this.targetLength + s.length);
  }

  delete(n) {
    if (n < 0) throw new InvalidOperation(`delete of negative length ${n}`);
    if (n === 0) return this;
    const ops = this.ops.slice();
    const last = ops.length - 1;
    if (last >= 0 && isDelete(ops[last])) ops[last] -= n; else ops.push(-n);
    return new TextOperation(ops, this.baseLength + n, this.targetLength);
  }

  /** Throws unless this operation applies to doc: matching length, no boundary inside a surrogate pair. */
  checkAppliesTo(doc) {
    if (doc.length !== this.baseLength) {
      throw new InvalidOperation(`operation expects a document of length ${this.baseLength} but the document has length ${doc.length}`);
    }
    let pos = 0;
    this.ops.forEach((c, i) => {
      if (splitsPair(doc, pos)) throw new InvalidOperation(`component ${i} starts at ${pos}, inside a surrogate pair`);
      if (!isInsert(c)) pos += length(c);
    });
  }

  apply(doc) {
    this.checkAppliesTo(doc);
    const parts = [];
    let pos = 0;
    for (const c of this.ops) {
      if (isInsert(c)) {
        parts.push(c);
      } else {
        if (isRetain(c)) parts.push(doc.slice(pos, pos + c));
        pos += length(c);
      }
    }
    return parts.join("");
  }

  /** The single operation with the effect of this one followed by next. */
  compose(next) {
    if (this.targetLength !== next.baseLength) {
      throw new InvalidOperation(`cannot compose: the first operation produces length ${this.targetLength} but the second expects length ${next.baseLength}`);
    }
    let out = new Builder();
    const a = new Walk(this.ops);
    const b = new Walk(next.ops);
    for (;;) {
      if (a.current() !== undefined && isDelete(a.current())) {
        out.delete(a.remaining()); a.advance(a.remaining());
      } else if (b.current() !== undefined && isInsert(b.current())) {
        out.insert(b.text(b.remaining())); b.advance(b.remaining());
      } else if (a.done() && b.done()) {
        return out.build();
      } else if (a.done() || b.done()) {
        throw new Error(`compose walked off an operation: ${this} then ${next}`);
      } else {
        const n = Math.min(a.remaining(), b.remaining());
        if (isRetain(a.current())) {
          if (isRetain(b.current())) out.retain(n); else out.delete(n);
        } else if (isRetain(b.current())) {
          out.insert(a.text(n));
        }
        a.advance(n); b.advance(n);
      }
    }
  }

  /** The operation that undoes this one; base is the document this one applies to. */
  invert(base) {
    this.checkAppliesTo(base);
    const out = new Builder();
    let pos = 0;
    for (const c of this.ops) {
      if (isInsert(c)) {
        out.delete(c.length);
      } else {
        if (isRetain(c)) out.retain(c); else out.insert(base.slice(pos, pos - c));
        pos += length(c);
      }
    }
    return out.build();
  }

  /**
   * Where position ends up after this operation. An insert exactly at position goes before it
   * when stickAfter is true (the typist's own caret) and after it otherwise (a peer's caret).
   */
  transformPosition(position, stickAfter = false) {
    let oldIndex = 0;
    let newIndex = position;
    for (const c of this.ops) {
      if (oldIndex > position) break;
      if (isInsert(c)) {
        if (oldIndex < position || stickAfter) newIndex += c.length;
      } else {
        if (isDelete(c)) newIndex -= Math.min(position - oldIndex, -c);
        oldIndex += length(c);
      }
    }
    return newIndex;
  }
}

/**
 * Transforms two operations made on the same document so each applies after the other.
 * prior is the one the server ordered first: its insert stays left on a tie.
 * @returns {[TextOperation, TextOperation]} [prior to apply after later, later to apply after prior]
 */
export function transform(prior, later) {
  if (prior.baseLength !== later.baseLength) {
    throw new InvalidOperation(`cannot transform: operations expect lengths ${prior.baseLength} and ${later.baseLength}`);
  }
  const priorOut = new Builder();
  const laterOut = new Builder();
  const p = new Walk(prior.ops);
  const l = new Walk(later.ops);
  for (;;) {
    if (p.current() !== undefined && isInsert(p.current())) {
      const n = p.remaining();
      priorOut.insert(p.text(n)); laterOut.retain(n); p.advance(n);
    } else if (l.current() !== undefined && isInsert(l.current())) {
      const n = l.remaining();
      priorOut.retain(n); laterOut.insert(l.text(n)); l.advance(n);
    } else if (p.done() && l.done()) {
      return [priorOut.build(), laterOut.build()];
    } else if (p.done() || l.done()) {
      throw new Error(`transform walked off an operation: ${prior} and ${later}`);
    } else {
      const n = Math.min(p.remaining(), l.remaining());
      const pRetains = isRetain(p.current());
      const lRetains = isRetain(l.current());
      if (pRetains && lRetains) { priorOut.retain(n); laterOut.retain(n); }
      else if (pRetains) laterOut.delete(n);
      else if (lRetains) priorOut.delete(n);
      p.advance(n); l.advance(n);
    }
  }
}

/** A selection range [anchor, head] after op; see app.concord.ot.Range#transform for the rules. */
export function transformRange([anchor, head], op, byOwner = false) {
  if (anchor === head) {
    const p = op.transformPosition(head, byOwner);
    return [p, p];
  }
  const from = op.transformPosition(Math.min(anchor, head), true);
  const to = Math.max(from, op.transformPosition(Math.max(anchor, head), false));
  return anchor <= head ? [from, to] : [to, from];
}

// A mutable builder for the hot loops of compose and transform, canonical like the methods above.
class Builder {
  constructor() { this.ops = []; this.base = 0; this.target = 0; }
  retain(n) {
    if (n === 0) return;
    this.base += n; this.target += n;
    const last = this.ops.length - 1;
    if (last >= 0 && isRetain(this.ops[last])) this.ops[last] += n; else this.ops.push(n);
  }
  insert(s) {
    if (s === "") return;
    this.target += s.length;
    const ops = this.ops;
    const last = ops.length - 1;
    if (last >= 0 && isInsert(ops[last])) ops[last] += s;
    else if (last >= 0 && isDelete(ops[last])) {
      if (last >= 1 && isInsert(ops[last - 1])) ops[last - 1] += s; else ops.splice(last, 0, s);
    } else ops.push(s);
  }
  delete(n) {
    if (n === 0) return;
    this.base += n;
    const last = this.ops.length - 1;
    if (last >= 0 && isDelete(this.ops[last])) this.ops[last] -= n; else this.ops.push(-n);
  }
  build() { return new TextOperation(this.ops, this.base, this.target); }
}

class Walk {
  constructor(ops) { this.ops = ops; this.index = 0; this.offset = 0; }
  done() { return this.index === this.ops.length; }
  current() { return this.ops[this.index]; }
  remaining() { return length(this.ops[this.index]) - this.offset; }
  text(n) {
    const s = this.ops[this.index];
    return this.offset === 0 && n === s.length ? s : s.slice(this.offset, this.offset + n);
  }
  advance(n) {
    this.offset += n;
    if (this.offset === length(this.ops[this.index])) { this.index++; this.offset = 0; }
  }
}

const isRetain = (c) => typeof c === "number" && c > 0;
const isInsert = (c) => typeof c === "string";
const isDelete = (c) => typeof c === "number" && c < 0;
const length = (c) => (typeof c === "string" ? c.length : Math.abs(c));

function splitsPair(text, pos) {
  return pos > 0 && pos < text.length && isHigh(text.charCodeAt(pos - 1)) && isLow(text.charCodeAt(pos));
}

function firstUnpairedSurrogate(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isHigh(c)) {
      if (i + 1 < s.length && isLow(s.charCodeAt(i + 1))) i++; else return i;
    } else if (isLow(c)) {
      return i;
    }
  }
  return -1;
}

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;
