// The two ways of carrying protocol v1 messages between this page and the server, behind one
// small interface that connection.js uses:
//
//   transport.open(handlers) -> link
//     handlers.opened()         the link carries messages from now on: send join
//     handlers.message(object)  a message from the server
//     handlers.closed()         the link has ended, once, however it ended; it never reopens
//   link.send(object) -> false when it cannot carry messages (nothing was sent)
//   link.close(code, reason)   ends the link (closed() follows)
//
// WebSocket is the protocol's own transport. The compatibility transport (PROTOCOL.md) is for
// networks that refuse WebSocket: an EventSource for the server's messages, which the browser
// resumes after a dropped stream without gaps (Last-Event-ID), and numbered POSTs for ours, one
// at a time and repeated unchanged when an answer is lost (the server handles each number once).

const POST_ATTEMPTS = 3;
const POST_RETRY_MS = 1_000;

export const webSocketTransport = (url) => ({
  name: "websocket",
  open: (handlers) => new WebSocketLink(url, handlers),
});

/** The compatibility transport of the document whose WebSocket address is {@code webSocketUrl}. */
export function compatibilityTransport(webSocketUrl) {
  const address = new URL(webSocketUrl);
  address.protocol = address.protocol === "wss:" ? "https:" : "http:";
  const doc = address.pathname.replace(/^.*\/ws\/docs\//, "");
  const base = `${address.origin}${address.pathname.replace(/\/ws\/docs\/[^/]*$/, "")}/api/docs/${doc}`;
  return {
    name: "compatibility",
    open: (handlers) => new EventStreamLink(`${base}/events`, `${base}/messages`, handlers),
  };
}

class WebSocketLink {
  constructor(url, handlers) {
    this.socket = new WebSocket(url);
    this.socket.onopen = () => handlers.opened();
    this.socket.onmessage = (event) => deliver(event.data, handlers);
    this.socket.onclose = () => handlers.closed();
  }

  send(message) {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }

  close(code, reason) {
    this.socket.close(code, reason);
  }
}

class EventStreamLink {
  constructor(eventsUrl, messagesUrl, handlers) {
    this.messagesUrl = messagesUrl;
    this.handlers = handlers;
    this.token = null;
    this.sent = 0;          // the number of the last message the server took
    this.queue = [];        // messages (JSON text) not yet taken, in order
    this.posting = false;
    this.ended = false;
    this.source = new EventSource(eventsUrl);
    this.source.addEventListener("session", (event) => {
      this.token = JSON.parse(event.data).session;
      handlers.opened();
    });
    this.source.onmessage = (event) => deliver(event.data, handlers);
    // The server ended the session (an error, a newer connection of this client): like a WebSocket close.
    this.source.addEventListener("close", () => this.close());
    this.source.onerror = () => {
      // While CONNECTING the browser is resuming the stream by itself; CLOSED: it cannot (the
      // server answered 410, the session is gone), and the connection starts over.
      if (this.source.readyState === EventSource.CLOSED) this.close();
    };
  }

  send(message) {
    if (this.ended || this.token === null) return false;
    this.queue.push(JSON.stringify(message));
    this.#post();
    return true;
  }

  close() {
    if (this.ended) return;
    this.ended = true;
    this.queue = [];
    this.source.close();
    setTimeout(() => this.handlers.closed(), 0);
  }

  async #post() {
    if (this.posting) return;
    this.posting = true;
    let failures = 0;
    while (this.queue.length > 0 && !this.ended) {
      try {
        const response = await fetch(this.messagesUrl, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            "Concord-Session": this.token,
            "Concord-Message": String(this.sent + 1),
          },
          body: this.queue[0],
          cache: "no-store",
          credentials: "same-origin",
        });
        if (response.status !== 202) break; // the session is gone or refused us: start over
        this.sent++;
        this.queue.shift();
        failures = 0;
      } catch {
        // No answer: the server may or may not have the message; the same number again is safe.
        if (++failures >= POST_ATTEMPTS) break;
        await new Promise((resolve) => setTimeout(resolve, POST_RETRY_MS));
      }
    }
    this.posting = false;
    if (this.queue.length > 0) this.close();
  }
}

// A batch (PROTOCOL.md "Extension: batches") is handed on as the messages it holds, in order.
function deliver(text, handlers) {
  let message;
  try {
    message = JSON.parse(text);
  } catch {
    return;
  }
  if (message?.type === "batch" && Array.isArray(message.messages)) {
    for (const m of message.messages) handlers.message(m);
  } else {
    handlers.message(message);
  }
}
