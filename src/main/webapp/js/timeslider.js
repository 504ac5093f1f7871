// The timeslider of the history view: which revision is shown, and which changes are
// highlighted on it. Revision N shows the change that made it (since N - 1); an editing
// session shows all of its changes; playing shows each step's changes; comparing shows the
// current text with everything changed since N. Requests are the history API's; a newer
// move makes the answer to an older one moot, so a slow answer never overwrites a newer view.

import { changeSegments, playStep } from "./history.js";

/** Texts and changes of revisions, with the last few texts kept (playing reads each one twice). */
export class RevisionLoader {
  constructor(api, keep = 16) {
    this.api = api;
    this.keep = keep;
    this.texts = new Map([[0, ""]]);
  }

  async text(rev) {
    if (!this.texts.has(rev)) this.#remember(rev, (await this.api.revision(rev)).text);
    return this.texts.get(rev);
  }

  /**
   * Revision target's text with the changes since revision since: {target, since, text,
   * segments, time, author}; time and author (of the revision) only with meta.
   */
  async view(target, since, { meta = true } = {}) {
    const [revision, base, changes] = await Promise.all([
      meta ? this.api.revision(target) : null,
      this.text(since),
      since === target ? null : this.api.changes(since, target),
    ]);
    const text = changes === null ? base : changes.op.apply(base);
    if (revision !== null && revision.text !== text) {
      throw new Error(`the changes from revision ${since} do not make revision ${target}'s text`);
    }
    this.#remember(target, text);
    return {
      target, since, text,
      segments: changes === null ? [] : changeSegments(base, changes.op, changes.inserted),
      time: revision?.time ?? null,
      author: revision?.author ?? null,
    };
  }

  #remember(rev, text) {
    this.texts.delete(rev);
    this.texts.set(rev, text);
    for (const old of this.texts.keys()) {
      if (this.texts.size <= this.keep) break;
      if (old !== 0) this.texts.delete(old);
    }
  }
}

export class Timeslider {
  /**
   * @param {object} o
   * @param {RevisionLoader} o.loader
   * @param {(view: object) => void} o.shown   a view to show (RevisionLoader.view's, with compare)
   * @param {() => void} [o.moved]             rev, head, compare or playing changed
   * @param {(error: Error) => void} [o.failed]
   */
  constructor({ loader, shown, moved = () => {}, failed = () => {}, sleep = (ms) => new Promise((r) => setTimeout(r, ms)), interval = 250 }) {
    Object.assign(this, { loader, shown, moved, failed, sleep, interval });
    this.head = 0;
    this.rev = 0;
    this.since = 0;
    this.compare = false;
    this.playing = false;
    this.token = 0;
  }

  /** The document's latest revision: the end of the slider, and what "compare" compares with. */
  setHead(head) {
    if (head === this.head) return;
    this.head = Math.max(head, 0);
    this.moved();
  }

  /** Shows revision rev with the changes since since; true when it was shown (not failed, not overtaken). */
  async show(rev, since = rev - 1, { compare = false, meta = true } = {}) {
    const token = ++this.token;
    this.rev = Math.min(Math.max(rev, 0), this.head);
    this.since = Math.min(Math.max(since, 0), this.rev);
    this.compare = compare && this.rev < this.head;
    this.moved();
    try {
      const view = this.compare
        ? await this.loader.view(this.head, this.rev, { meta })
        : await this.loader.view(this.rev, this.since, { meta });
      if (token !== this.token) return false;
      this.shown({ ...view, compare: this.compare, rev: this.rev });
      return true;
    } catch (e) {
      if (token === this.token) this.failed(e);
      return false;
    }
  }

  next() {
    return this.rev < this.head ? this.#step(this.rev + 1) : Promise.resolve(false);
  }

  previous() {
    return this.rev > 0 ? this.#step(this.rev - 1) : Promise.resolve(false);
  }

  toggleCompare() {
    return this.show(this.rev, this.rev - 1, { compare: !this.compare });
  }

  /**
   * Plays from the shown revision (from the start when at the end) to the head, in about 150
   * steps, then shows where it stopped (the end, or where it was paused) in full.
   */
  async play() {
    if (this.playing) return;
    this.pause();
    if (this.rev >= this.head) await this.show(0, 0, { meta: false });
    this.playing = true;
    this.moved();
    const step = playStep(this.rev, this.head);
    let shown = true;
    while (this.playing && shown && this.rev < this.head) {
      shown = await this.show(Math.min(this.head, this.rev + step), this.rev, { meta: false });
      if (shown && this.playing) await this.sleep(this.interval);
    }
    this.playing = false;
    this.moved();
    if (shown) await this.show(this.rev, this.since); // with the revision's time and author
  }

  pause() {
    if (!this.playing) return;
    this.playing = false;
    this.moved();
  }

  #step(rev) {
    this.pause();
    return this.show(rev);
  }
}
