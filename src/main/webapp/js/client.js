// The client side of server-ordered OT (docs/PROTOCOL.md "Model"), as a state machine with
// no I/O: Synchronized (nothing in flight), AwaitingAck (one operation in flight) and
// AwaitingWithBuffer (one in flight, later edits composed into a buffer). The transport
// feeds it server messages and sends what it returns; the editor applies what it returns.
// The same machine, in Java, is app.concord.client.ClientDocument.

import { TextOperation, transform, transformRange } from "./ot.js";

export class Client {
  /**
   * @param {object} s
   * @param {string} s.client    this tab's client id
   * @param {number} s.rev       last server revision this client has
   * @param {number} [s.nextSeq] seq of the next operation to send (1 for a new client)
   * @param {{seq:number, op:TextOperation}|null} [s.outstanding] the operation in flight
   * @param {TextOperation|null} [s.buffer] edits made while it is in flight
   */
  constructor({ client, rev, nextSeq = 1, outstanding = null, buffer = null }) {
    this.client = client;
    this.rev = rev;
    this.nextSeq = nextSeq;
    this.outstanding = outstanding;
    this.buffer = buffer;
  }

  get state() {
    return this.outstanding === null ? "synchronized" : this.buffer === null ? "awaiting-ack" : "awaiting-with-buffer";
  }

  isSynchronized() {
    return this.outstanding === null;
  }

  /** Local edits the server has not acknowledged yet, as one operation (null when none). */
  pending() {
    if (this.outstanding === null) return null;
    return this.buffer === null ? this.outstanding.op : this.outstanding.op.compose(this.buffer);
  }

  /** A local edit was made; returns the op message to send now, or null when it waits in the buffer. */
  applyLocal(op) {
    if (op.isIdentity()) return null;
    if (this.outstanding === null) return this.#send(op);
    this.buffer = this.buffer === null ? op : this.buffer.compose(op);
    return null;
  }

  /**
   * Revision rev, made by author's operation seq, arrived. Returns the operation to apply to
   * the local text (null when there is nothing to apply) and what to send, if anything. An
   * entry that is this client's own in-flight operation (seen in a catch-up) is its ack.
   */
  applyRemote(rev, author, seq, op) {
    this.#expectNext(rev, "operation");
    if (author === this.client && this.outstanding !== null && seq === this.outstanding.seq) {
      return { apply: null, send: this.ack(rev, seq) };
    }
    let toApply = op;
    if (this.outstanding !== null) {
      const [opPast, outstandingPast] = transform(op, this.outstanding.op);
      this.outstanding = { seq: this.outstanding.seq, op: outstandingPast };
      toApply = opPast;
      if (this.buffer !== null) {
        const [opPastBuffer, bufferPast] = transform(toApply, this.buffer);
        this.buffer = bufferPast;
        toApply = opPastBuffer;
      }
    }
    this.rev = rev;
    return { apply: toApply, send: null };
  }

  /**
   * The server made operation seq revision rev. Returns the buffered edits to send now, if
   * any. A repeated ack of an earlier operation (the answer to a resend the server had
   * already applied) is ignored.
   */
  ack(rev, seq) {
    if (this.outstanding === null || seq !== this.outstanding.seq) {
      if (seq < this.nextSeq && rev <= this.rev) return null;
      throw new Error(`ack of operation ${seq} at revision ${rev}, but ${this.outstanding === null ? "nothing" : "operation " + this.outstanding.seq} is in flight`);
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
    return this.outstanding === null ? null : message(this.rev, this.outstanding.seq, this.outstanding.op);
  }

  /**
   * Resumes after a reconnect: applies a welcome's catch-up list (revisions after this.rev),
   * returning the operations to apply locally, in order, and the single message to resend.
   */
  catchUp(revisions) {
    const apply = [];
    let send = null;
    for (const r of revisions) {
      const result = this.applyRemote(r.rev, r.client, r.seq, r.ops);
      if (result.apply !== null && !result.apply.isIdentity()) apply.push(result.apply);
      if (result.send !== null) send = result.send;
    }
    return { apply, send: send ?? this.resend() };
  }

  /** A peer's selection at this.rev, moved past the local edits the server has not seen. */
  toLocalRanges(ranges) {
    const pending = this.pending();
    return pending === null ? ranges : ranges.map((r) => transformRange(r, pending, false));
  }

  /** Everything needed to rebuild this client later (see fromJSON). */
  toJSON() {
    return {
      client: this.client,
      rev: this.rev,
      nextSeq: this.nextSeq,
      outstanding: this.outstanding && { seq: this.outstanding.seq, ops: this.outstanding.op.toWire() },
      buffer: this.buffer && this.buffer.toWire(),
    };
  }

  static fromJSON(j) {
    return new Client({
      client: j.client,
      rev: j.rev,
      nextSeq: j.nextSeq,
      outstanding: j.outstanding && { seq: j.outstanding.seq, op: TextOperation.fromWire(j.outstanding.ops) },
      buffer: j.buffer && TextOperation.fromWire(j.buffer),
    });
  }

  #send(op) {
    this.outstanding = { seq: this.nextSeq++, op };
    return message(this.rev, this.outstanding.seq, op);
  }

  #expectNext(rev, what) {
    if (rev !== this.rev + 1) throw new Error(`${what} for revision ${rev}, but this client is at revision ${this.rev}`);
  }
}

const message = (rev, seq, op) => ({ type: "op", rev, seq, ops: op });
