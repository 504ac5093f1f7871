// The connection of one document: connects, reconnects with exponential backoff and full
// jitter, keeps the connection alive with pings, notices a dead one, and reports its state.
// It carries messages over WebSocket, or, when WebSocket fails twice in a row (a proxy that
// refuses it, or lets no message through), over the compatibility transport, trying WebSocket
// again now and then (transport.js). It knows nothing of operations: the session feeds it
// JSON and reads JSON back.

import { compatibilityTransport, webSocketTransport } from "./transport.js";

const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 30_000;
const PING_EVERY_MS = 20_000;
const SILENCE_LIMIT_MS = 45_000;
// A connection that is not welcomed this long after opening is dropped and tried again: a
// server under load can lose a new connection's first message, and would only close it
// after its own join timeout (30 s).
const WELCOME_LIMIT_MS = 10_000;
// WebSocket connections that failed to open or were never welcomed, in a row, before the
// compatibility transport is used instead; and how often it then checks whether WebSocket works again.
const WEBSOCKET_FAILURES = 2;
const WEBSOCKET_RETRY_MS = 180_000;

export class Connection {
  /**
   * @param {string} url ws:// or wss:// address of the document
   * @param {object} handlers
   * @param {() => void} handlers.open           connected: send join now
   * @param {(message: object) => void} handlers.message
   * @param {(status: {state: string, retryAt?: number, compatibility?: boolean}) => void} handlers.status
   *        state is "connecting", "connected", "reconnecting" (retryAt: epoch ms) or "offline";
   *        compatibility is true when connected without WebSocket
   */
  constructor(url, handlers, { random = Math.random, now = Date.now } = {}) {
    this.url = url;
    this.handlers = handlers;
    this.random = random;
    this.now = now;
    this.attempt = 0;
    this.link = null;        // the current link (transport.js), null between connections
    this.open = false;       // the current link carries messages
    this.welcomed = false;   // the current link has been welcomed
    this.webSocket = webSocketTransport(url);
    this.compatibility = compatibilityTransport(url);
    this.transport = this.webSocket;
    this.webSocketFailures = 0;
    this.timer = null;
    this.stopped = false;
    this.lastHeard = 0;
    window.addEventListener("online", () => this.#retryNow());
    window.addEventListener("offline", () => {
      // The browser knows the network is gone: the link is dead even if it has not noticed, and
      // its close may wait for a closing handshake that the network can no longer carry. Dropped
      // at once, it is no failure of the server's (the "online" event reconnects).
      const link = this.link;
      if (link) {
        clearInterval(this.pinger);
        clearTimeout(this.welcomeTimer);
        this.link = null;
        this.open = false;
        link.close(4002, "offline");
      }
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
    clearTimeout(this.probeTimer);
    clearInterval(this.pinger);
    this.link?.close(1000, "closed by the user");
  }

  /** Drops the current connection and reconnects after the usual backoff. */
  restart() {
    this.link?.close(4000, "restarting");
  }

  isOpen() {
    return this.link !== null && this.open;
  }

  /** Sends one message; false when there is no open connection (the session resends after a rejoin). */
  send(message) {
    return this.isOpen() && this.link.send(message);
  }

  /** The connection proved healthy (the server welcomed us): the next outage starts the backoff afresh. */
  healthy() {
    this.attempt = 0;
    this.welcomed = true;
    clearTimeout(this.welcomeTimer);
    if (this.transport === this.webSocket) {
      this.webSocketFailures = 0;
    } else {
      this.#scheduleProbe();
    }
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
    const previous = this.link;
    this.link = null;
    previous?.close(4000, "replaced");
    this.open = false;
    this.welcomed = false;
    let link;
    try {
      link = this.transport.open({
        opened: () => {
          if (link !== this.link) return;
          this.open = true;
          this.lastHeard = this.now();
          this.handlers.status({ state: "connected", compatibility: this.transport === this.compatibility });
          clearInterval(this.pinger);
          this.pinger = setInterval(() => this.#keepAlive(link), PING_EVERY_MS);
          clearTimeout(this.welcomeTimer);
          this.welcomeTimer = setTimeout(() => {
            if (link === this.link) link.close(4003, "no welcome from the server");
          }, WELCOME_LIMIT_MS);
          this.handlers.open();
        },
        message: (message) => {
          if (link !== this.link) return;
          this.lastHeard = this.now();
          this.handlers.message(message);
        },
        closed: () => {
          if (link !== this.link) return;
          clearInterval(this.pinger);
          clearTimeout(this.welcomeTimer);
          this.link = null;
          this.open = false;
          this.#countFailure();
          this.#scheduleRetry();
        },
      });
    } catch (e) {
      this.#countFailure();
      this.#scheduleRetry();
      return;
    }
    this.link = link;
  }

  /**
   * A connection that ended unwelcomed: enough WebSocket ones in a row switch to the compatibility
   * transport. One of that transport failing too switches back, so that while the server is
   * unreachable both are tried in turn, and a server restart does not leave everyone without WebSocket.
   */
  #countFailure() {
    if (this.welcomed) return;
    if (this.transport === this.compatibility) {
      this.transport = this.webSocket;
      this.webSocketFailures = WEBSOCKET_FAILURES - 1;
    } else if (++this.webSocketFailures >= WEBSOCKET_FAILURES) {
      this.transport = this.compatibility;
    }
  }

  /**
   * While on the compatibility transport: now and then, opens a WebSocket just to see whether
   * the network lets it through; if it opens, the connection moves back to WebSocket (one more
   * failure returns it to the compatibility transport).
   */
  #scheduleProbe() {
    clearTimeout(this.probeTimer);
    const wait = WEBSOCKET_RETRY_MS / 2 + Math.floor(this.random() * WEBSOCKET_RETRY_MS);
    this.probeTimer = setTimeout(() => {
      if (this.stopped || this.transport !== this.compatibility) return;
      let probe;
      try {
        probe = new WebSocket(this.url);
      } catch {
        this.#scheduleProbe();
        return;
      }
      const giveUp = setTimeout(() => probe.close(), WELCOME_LIMIT_MS);
      probe.onopen = () => {
        clearTimeout(giveUp);
        probe.onclose = null;
        probe.close(1000, "WebSocket works");
        if (this.stopped || this.transport !== this.compatibility) return;
        this.transport = this.webSocket;
        this.webSocketFailures = WEBSOCKET_FAILURES - 1;
        this.link?.close(4000, "back to WebSocket");
      };
      probe.onclose = () => {
        clearTimeout(giveUp);
        this.#scheduleProbe();
      };
    }, wait);
  }

  #keepAlive(link) {
    if (link !== this.link || !this.open) return;
    if (this.now() - this.lastHeard > SILENCE_LIMIT_MS) {
      link.close(4001, "no answer from the server");
      return;
    }
    link.send({ type: "ping" });
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
