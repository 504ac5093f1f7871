// The client side of server-ordered OT (docs/PROTOCOL.md "Model"), as a state machine with
// no I/O: Synchronized (nothing in flight), AwaitingConfirm (one operation in flight) and
// AwaitingWithBuffer (one in flight, later edits composed into a buffer). The transport
// feeds it server messages and sends what it returns; the editor applies what it returns.
// The same machine, in Java, is app.concord.client.ClientDocument: the names of states and
// methods are the same there (state(), revision(), text(), applyLocal, applyRemote, ack,
// resend, catchUp, transformCursor).
//
// Law: once every pending operation is acknowledged, text equals the server's text at rev.

import { TextOperation, transform, transformRange } from "./ot.js";

export const SYNCHRONIZED = "synchronized";
export const AWAITING_CONFIRM = "awaiting-confirm";
export const AWAITING_WITH_BUFFER = "awaiting-with-buffer";

export class Client {
  /**
   * @param {object} s
   * @param {string} s.client    this page's client id
   * @param {number} s.rev       last server revision this client has
   * @param {string} [s.text]    the local text: the server's text at rev plus the pending edits
   * @param {number} [s.nextSeq] seq of the next operation to send (1 for a new client)
   * @param {{seq:number, op:TextOperation, restore?:number, restoreRev?:number, restoreOp?:TextOperation}|null} [s.outstanding]
   *        the operation in flight, rebased on rev; a restore also keeps the revision it brings back, and the
   *        revision and operation it was first sent with
   * @param {TextOperation|null} [s.buffer] edits made while it is in flight
   */
  constructor({ client, rev, text = "", nextSeq = 1, outstanding = null, buffer = null }) {
    this.client = client;
    this.rev = rev;
    this.text = text;
    this.nextSeq = nextSeq;
    this.outstanding = outstanding;
    this.buffer = buffer;
  }

  get state() {
    return this.outstanding === null ? SYNCHRONIZED : this.buffer === null ? AWAITING_CONFIRM : AWAITING_WITH_BUFFER;
  }

  isSynchronized() {
    return this.outstanding === null;
  }

  /** The seq of the operation in flight, 0 when none. */
  inFlightSeq() {
    return this.outstanding === null ? 0 : this.outstanding.seq;
  }

  /** Local edits the server has not acknowledged yet, as one operation (null when none). */
  pending() {
    if (this.outstanding === null) return null;
    return this.buffer === null ? this.outstanding.op : this.outstanding.op.compose(this.buffer);
  }

  /**
   * A local edit was made to text; returns the op message to send now, or null when it
   * waits in the buffer. Throws (changing nothing) when op does not fit the text.
   * restore: op makes the text equal to that revision's (docs/PROTOCOL.md "Restore"); it
   * counts only when nothing else is pending, as the edit is then sent alone.
   */
  applyLocal(op, restore = undefined) {
    const text = op.apply(this.text);
    if (op.isIdentity()) return null;
    this.text = text;
    if (this.outstanding === null) return this.#send(op, restore);
    this.buffer = this.buffer === null ? op : this.buffer.compose(op);
    return null;
  }

  /**
   * Revision rev, made by author's operation seq, arrived. Returns the operation to apply
   * to the local text and what to send, if anything. When it is this client's own
   * in-flight operation (seen in a catch-up after a reconnect) it is the acknowledgement:
   * the operation is the identity and send is the waiting buffer, if any.
   */
  applyRemote(rev, author, seq, op) {
    this.#expectNext(rev, "operation");
    if (author === this.client && seq === this.inFlightSeq()) {
      return { operation: TextOperation.identity(this.text.length), send: this.ack(rev, seq), acknowledged: true };
    }
    let toApply = op;
    let outstanding = this.outstanding;
    let buffer = this.buffer;
    if (outstanding !== null) {
      const [opPast, outstandingPast] = transform(op, outstanding.op);
      outstanding = { ...outstanding, op: outstandingPast };
      toApply = opPast;
      if (buffer !== null) {
        const [opPastBuffer, bufferPast] = transform(toApply, buffer);
        buffer = bufferPast;
        toApply = opPastBuffer;
      }
    }
    this.text = toApply.apply(this.text);
    this.outstanding = outstanding;
    this.buffer = buffer;
    this.rev = rev;
    return { operation: toApply, send: null, acknowledged: false };
  }

  /**
   * The server made operation seq revision rev. Returns the buffered edits to send now, if
   * any. A repeated ack of an earlier operation (the answer to a resend the server had
   * already applied) is ignored.
   */
  ack(rev, seq) {
    const inFlight = this.inFlightSeq();
    if (seq !== inFlight) {
      const acknowledgedBefore = seq < this.nextSeq && (inFlight === 0 || seq < inFlight) && rev <= this.rev;
      if (acknowledgedBefore) return null;
      throw new Error(`ack of operation ${seq} at revision ${rev}, but ${inFlight === 0 ? "nothing" : "operation " + inFlight} is in flight at revision ${this.rev}`);
    }
    this.#expectNext(rev, "ack");
    this.rev = rev;
    this.outstanding = null;
    if (this.buffer !== null) {
      const buffer = this.buffer;
      this.buffer = null;
      return this.#send(buffer);
    }
    return null;
  }

  /** The in-flight operation again, same seq, based on the current revision: for a new connection. */
  resend() {
    return this.outstanding === null ? null : this.#message();
  }

  /**
   * Resumes after a reconnect: applies a welcome's catch-up list (revisions after this.rev),
   * returning the operations to apply locally, in order, and the single message to resend.
   */
  catchUp(revisions) {
    const operations = [];
    for (const r of revisions) {
      const { operation } = this.applyRemote(r.rev, r.client, r.seq, r.ops);
      if (!operation.isIdentity()) operations.push(operation);
    }
    return { operations, send: this.resend() };
  }

  /** A peer's selection at this.rev, moved past the local edits the server has not seen. */
  transformCursor(ranges) {
    const pending = this.pending();
    return pending === null ? ranges : ranges.map((r) => transformRange(r, pending, false));
  }

  /** Everything needed to rebuild this client later (see fromJSON). */
  toJSON() {
    return {
      client: this.client,
      rev: this.rev,
      text: this.text,
      nextSeq: this.nextSeq,
      outstanding: this.outstanding && {
        seq: this.outstanding.seq, ops: this.outstanding.op.toWire(),
        restore: this.outstanding.restore, restoreRev: this.outstanding.restoreRev, restoreOps: this.outstanding.restoreOp?.toWire(),
      },
      buffer: this.buffer && this.buffer.toWire(),
    };
  }

  /** The client toJSON described; throws when j is not one (pending edits that do not fit its text). */
  static fromJSON(j) {
    const client = new Client({
      client: j.client,
      rev: j.rev,
      text: j.text,
      nextSeq: j.nextSeq,
      outstanding: j.outstanding && {
        seq: j.outstanding.seq, op: TextOperation.fromWire(j.outstanding.ops),
        ...(Number.isInteger(j.outstanding.restore) ? {
          restore: j.outstanding.restore, restoreRev: j.outstanding.restoreRev, restoreOp: TextOperation.fromWire(j.outstanding.restoreOps),
        } : {}),
      },
      buffer: j.buffer && TextOperation.fromWire(j.buffer),
    });
    if (typeof client.client !== "string" || !Number.isInteger(client.rev) || typeof client.text !== "string"
        || !Number.isInteger(client.nextSeq) || client.nextSeq < 1) {
      throw new Error("not a stored client");
    }
    const pending = client.pending();
    if (pending !== null && pending.targetLength !== client.text.length) throw new Error("pending edits do not fit the text");
    return client;
  }

  #send(op, restore) {
    this.outstanding = { seq: this.nextSeq++, op };
    if (Number.isInteger(restore)) Object.assign(this.outstanding, { restore, restoreRev: this.rev, restoreOp: op });
    return this.#message();
  }

  /**
   * The message of the operation in flight, on the current revision; a restore always as first
   * sent (its revision and operation), as only there does it make exactly the restored text:
   * the server transforms it past later revisions itself (docs/PROTOCOL.md "Restore").
   */
  #message() {
    const { seq, op, restore, restoreRev, restoreOp } = this.outstanding;
    if (restore !== undefined) return { type: "op", rev: restoreRev, seq, ops: restoreOp, restore };
    return { type: "op", rev: this.rev, seq, ops: op };
  }

  #expectNext(rev, what) {
    if (rev !== this.rev + 1) throw new Error(`${what} for revision ${rev}, but this client is at revision ${this.rev}`);
  }
}

