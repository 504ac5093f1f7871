// The WebSocket transport of one document: connects, reconnects with exponential backoff
// and full jitter, keeps the connection alive with pings, notices a dead one, and reports
// its state. It knows nothing of operations: the session feeds it JSON and reads JSON back.

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const PING_EVERY_MS = 20_000;
const SILENCE_LIMIT_MS = 45_000;
// A connection that is not welcomed this long after opening is dropped and tried again: a
// server under load can lose a new connection's first message, and would only close it
// after its own join timeout (30 s).
const WELCOME_LIMIT_MS = 10_000;

export class Connection {
  /**
   * @param {string} url ws:// or wss:// address of the document
   * @param {object} handlers
   * @param {() => void} handlers.open           connected: send join now
   * @param {(message: object) => void} handlers.message
   * @param {(status: {state: string, retryAt?: number}) => void} handlers.status
   *        state is "connecting", "connected", "reconnecting" (retryAt: epoch ms) or "offline"
   */
  constructor(url, handlers, { random = Math.random, now = Date.now } = {}) {
    this.url = url;
    this.handlers = handlers;
    this.random = random;
    this.now = now;
    this.attempt = 0;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    this.lastHeard = 0;
    window.addEventListener("online", () => this.#retryNow());
    window.addEventListener("offline", () => {
      // The browser knows the network is gone: the socket is dead even if it has not noticed.
      this.socket?.close(4002, "offline");
      this.#report();
    });
  }

  start() {
    this.stopped = false;
    this.#connect();
  }

  /** Closes for good (no reconnect). */
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.welcomeTimer);
    clearInterval(this.pinger);
    this.socket?.close(1000, "closed by the user");
  }

  /** Drops the current connection and reconnects after the usual backoff. */
  restart() {
    this.socket?.close(4000, "restarting");
  }

  isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends one message; false when there is no open connection (the session resends after a rejoin). */
  send(message) {
    if (!this.isOpen()) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  /** The connection proved healthy (the server welcomed us): the next outage starts the backoff afresh. */
  healthy() {
    this.attempt = 0;
    clearTimeout(this.welcomeTimer);
  }

  /** Delay before reconnect attempt n (0-based): uniform in [0, min(max, base * 2^n)], at least 250 ms. */
  static delay(attempt, random = Math.random) {
    const cap = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.min(attempt, 16));
    return Math.max(250, Math.floor(random() * cap));
  }

  #connect() {
    clearTimeout(this.timer);
    if (this.stopped) return;
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      this.#report();
      return; // the "online" event retries
    }
    this.handlers.status({ state: "connecting" });
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (e) {
      this.#scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.lastHeard = this.now();
      this.handlers.status({ state: "connected" });
      clearInterval(this.pinger);
      this.pinger = setInterval(() => this.#keepAlive(socket), PING_EVERY_MS);
      clearTimeout(this.welcomeTimer);
      this.welcomeTimer = setTimeout(() => {
        if (socket === this.socket) socket.close(4003, "no welcome from the server");
      }, WELCOME_LIMIT_MS);
      this.handlers.open();
    };
    socket.onmessage = (event) => {
      this.lastHeard = this.now();
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.handlers.message(message);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      clearInterval(this.pinger);
      clearTimeout(this.welcomeTimer);
      this.socket = null;
      this.#scheduleRetry();
    };
    socket.onerror = () => {
      // onclose follows and schedules the retry
    };
  }

  #keepAlive(socket) {
    if (socket !== this.socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.now() - this.lastHeard > SILENCE_LIMIT_MS) {
      socket.close(4001, "no answer from the server");
      return;
    }
    socket.send('{"type":"ping"}');
  }

  #scheduleRetry() {
    if (this.stopped) return;
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      this.#report();
      return;
    }
    const wait = Connection.delay(this.attempt++, this.random);
    const retryAt = this.now() + wait;
    this.handlers.status({ state: "reconnecting", retryAt });
    this.timer = setTimeout(() => this.#connect(), wait);
  }

  #retryNow() {
    if (this.stopped || this.isOpen()) return;
    this.attempt = 0;
    this.#connect();
  }

  #report() {
    if (typeof navigator !== "undefined" && navigator.onLine === false && !this.isOpen()) {
      clearTimeout(this.timer);
      this.handlers.status({ state: "offline" });
    }
  }
}
