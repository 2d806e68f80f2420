// The chat of relay/README.md "Chat messages" for the two peer relays (ws-relay.mjs,
// socketio-relay.mjs): welcome, find (first come, first paired), say -> said, typing,
// leave -> left, errors with the relay's codes, and a token bucket per participant, as
// relay/chat does it. No rooms: the benchmark's load never joins one (README.md says so).
// Messages are plain objects with "type" first; each transport serialises them its own way.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const IDLE = 0, WAITING = 1, PAIRED = 2;

export class Chat {
  constructor({ maxTextBytes = 2000, ratePerS = 10, burst = 20 } = {}) {
    this.limits = { max_text_bytes: maxTextBytes, rate_per_s: ratePerS, burst };
    this.labels = new Set();   // unique while connected, as the relay's
    this.waiting = [];         // FIFO stranger queue (participants)
    this.counters = { said: 0, pairs: 0, refused: 0 };
  }

  // A new participant; `send(obj)` delivers one message to it. Gets `welcome` at once.
  connect(send) {
    const p = { label: this.#label(), send, where: IDLE, peer: null, tokens: this.limits.burst,
                last: performance.now() };
    p.send({ type: 'welcome', you: p.label, limits: this.limits });
    return p;
  }

  // One client message, already parsed (an object) by the transport.
  receive(p, msg) {
    if (!this.#take(p)) {
      return this.refuse(p, 'rate_limited', `over ${this.limits.rate_per_s} messages a second ` +
                         `(burst ${this.limits.burst}): this message was not sent; slow down and send it again`);
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      return this.refuse(p, 'bad_message', 'the message must be a JSON object such as {"type":"find"}');
    }
    switch (msg.type) {
      case 'find': return this.#find(p);
      case 'leave': return this.#leave(p);
      case 'say': return this.#say(p, msg.text);
      case 'typing':
        if (typeof msg.on !== 'boolean') return this.refuse(p, 'bad_message', 'typing needs a boolean field "on"');
        if (p.where === PAIRED) p.peer.send({ type: 'typing', from: p.label, on: msg.on });
        return undefined;
      default:
        return this.refuse(p, 'bad_message', 'expected one of find, say, typing, leave');
    }
  }

  disconnect(p) {
    this.#leave(p);
    this.labels.delete(p.label);
  }

  refuse(p, code, detail) {
    ++this.counters.refused;
    p.send({ type: 'error', code, detail });
  }

  #label() {
    // 4 hex digits from a CSPRNG, 8 when 4,096 tries find none free (relay/chat/labels.h).
    for (let i = 0; ; ++i) {
      const label = `Stranger ${randomBytes(i < 4096 ? 2 : 4).toString('hex')}`;
      if (!this.labels.has(label)) {
        this.labels.add(label);
        return label;
      }
    }
  }

  // Every client message takes a token, a bad one too (relay/chat/README.md).
  #take(p) {
    const now = performance.now();
    p.tokens = Math.min(this.limits.burst, p.tokens + ((now - p.last) / 1000) * this.limits.rate_per_s);
    p.last = now;
    if (p.tokens < 1) return false;
    p.tokens -= 1;
    return true;
  }

  #find(p) {
    if (p.where === WAITING) return p.send({ type: 'waiting' });
    this.#leave(p);
    const q = this.waiting.shift();
    if (q === undefined) {
      p.where = WAITING;
      this.waiting.push(p);
      return p.send({ type: 'waiting' });
    }
    p.where = q.where = PAIRED;
    p.peer = q;
    q.peer = p;
    ++this.counters.pairs;
    q.send({ type: 'paired', peer: p.label });
    return p.send({ type: 'paired', peer: q.label });
  }

  #say(p, text) {
    if (typeof text !== 'string' || text.length === 0) {
      return this.refuse(p, 'bad_message', 'say needs a non-empty string field "text"');
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > this.limits.max_text_bytes) {
      return this.refuse(p, 'too_long', `text is ${bytes} UTF-8 bytes; the limit is ${this.limits.max_text_bytes}`);
    }
    if (p.where !== PAIRED) return this.refuse(p, 'not_paired', 'send {"type":"find"} and wait for "paired" first');
    ++this.counters.said;
    return p.peer.send({ type: 'said', from: p.label, text });
  }

  // Leaves the pair or the queue; the peer hears `left`, the leaver nothing.
  #leave(p) {
    if (p.where === WAITING) {
      this.waiting.splice(this.waiting.indexOf(p), 1);
    } else if (p.where === PAIRED) {
      const q = p.peer;
      q.where = IDLE;
      q.peer = null;
      q.send({ type: 'left', who: p.label });
    }
    p.where = IDLE;
    p.peer = null;
  }
}

// The command-line flags both peer relays take (the relay's names and defaults).
export function serverOptions(argv) {
  const o = { bind: '127.0.0.1', port: 0, chatRate: 10, chatBurst: 20, chatMaxText: 2000, chatMaxMessage: 4096,
              maxConns: 100000 };
  const names = { '--bind': 'bind', '--port': 'port', '--chat-rate': 'chatRate', '--chat-burst': 'chatBurst',
                  '--chat-max-text': 'chatMaxText', '--chat-max-message': 'chatMaxMessage', '--max-conns': 'maxConns' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) {
      console.error(`unknown flag ${argv[i]}: expected ${Object.keys(names).join(', ')} (each with a value)`);
      process.exit(2);
    }
    o[key] = key === 'bind' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return o;
}

// SIGINT/SIGTERM: `closeAll()` says goodbye to every client, then the process exits (at most ~3 s).
export function exitOnSignal(name, closeAll, counters) {
  const stop = () => {
    console.error(`${name}: stopping (${JSON.stringify(counters())})`);
    closeAll();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
