import { TextOperation } from "../../main/webapp/js/ot.js";

// Seeded generators for the property tests: the seed is the case number, printed on failure.
export function random(seed) {
  let s = (seed * 2654435761 + 1) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const UNITS = ["a", "b", "c", " ", "\n", "é", "😀", "🎉"];

export function randomText(rnd, max) {
  let s = "";
  const n = Math.floor(rnd() * (max + 1));
  for (let i = 0; i < n; i++) s += UNITS[Math.floor(rnd() * UNITS.length)];
  return s;
}

export function randomDoc(rnd) {
  return randomText(rnd, 12);
}

/** A random operation on doc that never splits a surrogate pair. */
export function randomOp(rnd, doc) {
  let op = new TextOperation();
  let pos = 0;
  while (pos < doc.length) {
    let n = 1 + Math.floor(rnd() * Math.min(5, doc.length - pos));
    if (pos + n < doc.length && isLow(doc.charCodeAt(pos + n))) n++;
    const kind = rnd();
    if (kind < 0.2) op = op.insert(randomText(rnd, 3));
    if (kind < 0.55) op = op.retain(n); else op = op.delete(n);
    pos += n;
  }
  if (rnd() < 0.4) op = op.insert(randomText(rnd, 3));
  return op;
}

const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

/**
 * Clients and a server exchanging messages in random order: steps times a random client edits
 * (edit(c)), sends its next message (serve(c, m)) or receives its next one (receive(c, m));
 * then every message left is delivered. Each client has queues up (to the server) and down.
 */
export function simulate(rnd, clients, steps, { edit, serve, receive }) {
  for (let step = 0; step < steps; step++) {
    const c = clients[Math.floor(rnd() * clients.length)];
    const r = rnd();
    if (r < 0.35) edit(c);
    else if (r < 0.65 && c.up.length) serve(c, c.up.shift());
    else if (c.down.length) receive(c, c.down.shift());
  }
  let busy = true;
  while (busy) {
    busy = false;
    for (const c of clients) {
      while (c.up.length) { serve(c, c.up.shift()); busy = true; }
      while (c.down.length) { receive(c, c.down.shift()); busy = true; }
    }
  }
}
