// A fake of the server's history API (docs/PROTOCOL.md "History"), in memory, answering the
// requests HistoryApi makes through its fetch: the contract the browser is written against.
import { TextOperation } from "../../main/webapp/js/ot.js";
import { applyOperation, forEachRun } from "../../main/webapp/js/authorship.js";

const SESSION_GAP_MS = 10 * 60_000;

export class FakeHistoryServer {
  constructor() {
    this.texts = [""];
    this.runs = [[]];
    this.revisions = [null]; // [rev] = {op, author, time}
    this.versions = [];
    this.requests = [];
    this.readOnly = false;
    this.nextVersion = 1;
  }

  /** Applies an edit by author at time; returns its revision. */
  edit(op, author, time) {
    const rev = this.texts.length;
    this.texts.push(op.apply(this.texts[rev - 1]));
    this.runs.push(applyOperation(this.runs[rev - 1], op, author));
    this.revisions.push({ op, author, time });
    return rev;
  }

  get head() {
    return this.texts.length - 1;
  }

  /** The composed operation from revision a's text to revision b's, either way. */
  composed(a, b) {
    let op = TextOperation.identity(this.texts[a].length);
    if (a <= b) {
      for (let r = a + 1; r <= b; r++) op = op.compose(this.revisions[r].op);
    } else {
      for (let r = a; r > b; r--) op = op.compose(this.revisions[r].op.invert(this.texts[r - 1]));
    }
    return op;
  }

  sessions() {
    const out = [];
    for (let r = 1; r <= this.head; r++) {
      const { op, author, time } = this.revisions[r];
      const added = op.ops.filter((c) => typeof c === "string").reduce((n, c) => n + c.length, 0);
      const removed = op.ops.filter((c) => typeof c === "number" && c < 0).reduce((n, c) => n - c, 0);
      const last = out.at(-1);
      if (last && time - last.end < SESSION_GAP_MS) {
        Object.assign(last, { to: r, end: time, added: last.added + added, removed: last.removed + removed });
        if (!last.authors.includes(author)) last.authors.push(author);
      } else {
        out.push({ from: r, to: r, start: time, end: time, authors: [author], added, removed });
      }
    }
    return out.reverse();
  }

  /** The fetch HistoryApi is given. */
  fetch = async (url, { method = "GET", body } = {}) => {
    this.requests.push(`${method} ${url}`);
    const u = new URL(url, "http://fake");
    const path = u.pathname.replace(/^\/api\/docs\/[^/]+/, "");
    const json = (status, value) => ({ ok: status < 300, status, text: async () => (value === undefined ? "" : JSON.stringify(value)) });
    const bad = (message) => json(400, { code: "bad-request", message });
    const rev = (name) => {
      const v = u.searchParams.get(name);
      return v !== null && /^\d+$/.test(v) && Number(v) <= this.head ? Number(v) : null;
    };
    let m;
    if (path === "/history") {
      const before = u.searchParams.has("before") ? rev("before") ?? this.head + 1 : this.head + 1;
      const limit = Number(u.searchParams.get("limit") ?? 30);
      const older = this.sessions().filter((s) => s.to < before);
      const sessions = older.slice(0, limit);
      const next = older.length > limit ? sessions.at(-1).from : null;
      const authors = Object.fromEntries(sessions.flatMap((x) => x.authors).map((a) => [a, { name: a.toUpperCase(), color: "#1565c0" }]));
      return json(200, { sessions, next, authors, versions: u.searchParams.has("before") ? undefined : this.versions });
    }
    if ((m = /^\/revisions\/(\d+)$/.exec(path))) {
      const r = Number(m[1]);
      if (r > this.head) return bad(`no revision ${r}`);
      return json(200, { rev: r, text: this.texts[r], time: this.revisions[r]?.time ?? 0, author: this.revisions[r]?.author ?? null });
    }
    if (path === "/authorship") {
      const r = rev("rev");
      if (r === null) return bad("bad rev");
      const authors = {};
      for (const { author, time } of this.revisions.slice(1, r + 1)) {
        authors[author] = { name: author.toUpperCase(), color: "#1565c0", first: authors[author]?.first ?? time, last: time };
      }
      return json(200, { rev: r, runs: this.runs[r], authors });
    }
    if (path === "/changes") {
      const a = rev("from");
      const b = rev("to");
      if (a === null || b === null) return bad("bad range");
      const op = this.composed(a, b);
      const inserted = [];
      let pos = 0;
      for (const c of op.ops) {
        if (typeof c === "string") {
          forEachRun(this.runs[b], pos, pos + c.length, (x, y, author) => inserted.push([y - x, author]));
          pos += c.length;
        } else if (c > 0) pos += c;
      }
      return json(200, { from: a, to: b, ops: op.toWire(), inserted });
    }
    if (path === "/versions" && method === "GET") return json(200, { versions: this.versions });
    if (path === "/versions" && method === "POST") {
      if (this.readOnly) return json(403, { code: "read-only", message: "read-only link" });
      const { rev: r = this.head, name, author } = JSON.parse(body);
      const version = { id: String(this.nextVersion++), rev: r, name, author: author === undefined ? null : `of-${author}`, created: 1 };
      this.versions.unshift(version);
      return json(201, version);
    }
    if ((m = /^\/versions\/([^/]+)$/.exec(path))) {
      const version = this.versions.find((v) => v.id === m[1]);
      if (!version) return json(404, { code: "not-found", message: "no such version" });
      if (method === "PATCH") {
        version.name = JSON.parse(body).name;
        return json(200, version);
      }
      this.versions = this.versions.filter((v) => v !== version);
      return json(204);
    }
    return json(404, { code: "not-found", message: path });
  };
}
