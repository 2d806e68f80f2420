// The load generator of bench/peers (README.md): one node process drives any of the chat
// relays with the same traffic. I idle connections (welcome, then nothing), then P pairs of
// strangers (find -> paired) that each send `say` at R messages/s (R = 0: closed loop, one
// message in flight per stranger), texts of S characters carrying the sender, a sequence
// number and the send time on this process's one monotonic clock. Every `said` is checked:
// lost, duplicated, misrouted and reordered are counted. With --pid, the server's CPU
// (utime + stime, /proc/PID/stat), RSS (/proc/PID/status) and descriptors are read at the
// edges of the measured window. Prints one JSON object on stdout; progress on stderr.
// Usage: node load.mjs --client ws|socketio --url URL [--pid PID] [--pairs 5] [--rate 10]
//        [--size 64] [--idle 0] [--warmup 2] [--seconds 10] [--drain 20] [--sources 250]
// (--drain: the longest wait after the window for messages still in flight; it ends as soon as
// every message arrived, so only a run that lost some waits it all.)
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

const o = options(process.argv.slice(2));
const CONNECT_PARALLEL = 100;        // connections being opened at once
const CONNECT_TIMEOUT_MS = 15000;    // per connection, until its welcome

function options(argv) {
  const o = { client: 'ws', url: '', pid: 0, pairs: 5, rate: 10, size: 64, idle: 0, warmup: 2, seconds: 10,
              drain: 20, sources: 250 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o) || argv[i + 1] === undefined) fail(`unknown flag ${argv[i]} (flags: ${Object.keys(o).join(', ')})`);
    o[key] = typeof o[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!['ws', 'socketio'].includes(o.client) || !o.url) fail('--client ws|socketio and --url are required');
  if (o.pairs < 1 || o.sources < 1 || o.sources > 254) fail('--pairs >= 1 and --sources 1..254');
  return o;
}

function fail(why) {
  process.stdout.write(`${JSON.stringify({ error: why })}\n`);
  process.exit(1);
}

// ---- the server's process, from /proc (proc(5)) ----
const clkTck = o.pid ? Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) : 0;
function sample() {
  if (!o.pid) return null;
  const stat = readFileSync(`/proc/${o.pid}/stat`, 'utf8').split(')').pop().trim().split(/\s+/);
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${o.pid}/status`, 'utf8'));
  return { at: performance.now(), user_s: Number(stat[11]) / clkTck, sys_s: Number(stat[12]) / clkTck,
           rss_kb: Number(rss[1]), fds: readdirSync(`/proc/${o.pid}/fd`).length };
}

// ---- one connection, either client; resolves once the welcome came ----
function connect(localAddress) {
  return new Promise((resolve, reject) => {
    const c = { label: '', onMessage: null, closed: '' };
    const timer = setTimeout(() => refuse('no welcome within 15 s'), CONNECT_TIMEOUT_MS);
    function refuse(why) {
      clearTimeout(timer);
      c.close();
      reject(new Error(why));
    }
    function message(msg) {
      if (c.onMessage) return c.onMessage(msg);
      if (msg.type !== 'welcome') return refuse(`first message ${JSON.stringify(msg).slice(0, 100)}, expected welcome`);
      clearTimeout(timer);
      c.label = msg.you;
      return resolve(c);
    }
    function closed(why) {
      if (c.closed) return;
      c.closed = why;
      if (!c.label) refuse(`closed before its welcome: ${why}`);
      else if (c.onClose) c.onClose(why);
    }
    if (o.client === 'ws') {
      const ws = new WebSocket(o.url, { localAddress, perMessageDeflate: false });
      ws.on('message', (data) => message(JSON.parse(data)));
      ws.on('error', (e) => closed(e.code || e.message));
      ws.on('close', (code) => closed(`close ${code}`));
      c.send = (m) => ws.send(JSON.stringify(m));
      c.close = () => ws.terminate();
    } else {
      // WebSocket from the start: the per-message cost is compared, not Socket.IO's long-polling.
      const s = io(o.url, { transports: ['websocket'], localAddress, forceNew: true, reconnection: false,
                            timeout: CONNECT_TIMEOUT_MS });
      s.on('chat', message);
      s.on('connect_error', (e) => closed(`connect_error ${e.message}`));
      s.on('disconnect', (reason) => closed(`disconnect ${reason}`));
      c.send = (m) => s.emit('chat', m);
      c.close = () => s.disconnect();
    }
  });
}

// Opens n connections, CONNECT_PARALLEL at a time, over 127.0.0.1..N source addresses (so
// ephemeral ports never run out, and per-address caps are shared out). Any failure ends the run.
async function openMany(n, first, what) {
  const out = new Array(n);
  let next = 0;
  let failure = '';
  async function worker() {
    while (next < n && !failure) {
      const i = next++;
      try {
        out[i] = await connect(`127.0.0.${1 + ((first + i) % o.sources)}`);
      } catch (e) {
        failure ||= `${what} connection ${i + 1} of ${n} failed: ${e.message}`;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONNECT_PARALLEL, n) }, worker));
  if (failure) fail(failure);
  return out;
}

// Every stranger sends find; resolves when all are paired (to one another: idle ones never find).
function pairAll(strangers) {
  return new Promise((resolve) => {
    let left = strangers.length;
    const timer = setTimeout(() => fail(`only ${strangers.length - left} of ${strangers.length} strangers paired in ` +
                                        `${10 + strangers.length / 100} s`), (10 + strangers.length / 100) * 1000);
    for (const c of strangers) {
      c.onMessage = (msg) => {
        if (msg.type === 'waiting') return;
        if (msg.type !== 'paired') fail(`expected paired, got ${JSON.stringify(msg).slice(0, 100)}`);
        c.peerLabel = msg.peer;
        c.onMessage = null;
        if (--left === 0) {
          clearTimeout(timer);
          resolve();
        }
      };
      c.send({ type: 'find' });
    }
  });
}

const f1 = (x) => x.toFixed(1);

function percentile(sorted, q) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] : null;
}

// Opens the idle connections, then the strangers, and pairs them; the server sampled before,
// between and after.
async function connectAll(progress) {
  const start = sample();
  const idle = await openMany(o.idle, 0, 'idle');
  progress(`${o.idle} idle connected`);
  const afterIdle = sample();
  const strangers = await openMany(2 * o.pairs, o.idle, 'stranger');
  progress(`${2 * o.pairs} strangers connected`);
  await pairAll(strangers);
  const byLabel = new Map(strangers.map((c, i) => [c.label, i]));
  strangers.forEach((c, i) => {
    c.peer = byLabel.get(c.peerLabel);
    if (c.peer === undefined || strangers[c.peer].peerLabel !== c.label) {
      fail(`stranger ${i} (${c.label}) was paired with "${c.peerLabel}", not with one of this run's strangers`);
    }
  });
  progress('strangers paired');
  return { idle, strangers, samples: { start, afterIdle, connected: sample() } };
}

// Every message's fate. Per stranger as a sender: `sent`; as a receiver: the next seq expected
// from its peer, the seqs received above it, the highest seen.
class Ledger {
  constructor(strangers) {
    this.strangers = strangers;
    for (const c of strangers) Object.assign(c, { sent: 0, next: 0, above: new Set(), maxSeen: -1 });
    this.count = { received: 0, duplicated: 0, misrouted: 0, reordered: 0, closed: 0, windowReceived: 0 };
    this.errors = {};
    this.unexpected = {};
    this.firstClose = '';
    this.sendTimes = [];   // ms, this process's clock
    this.latencies = [];   // ms, the sender's send -> the peer's receive
    this.measuring = false;
    this.pad = 'x'.repeat(o.size);
  }

  sent() { return this.strangers.reduce((s, c) => s + c.sent, 0); }

  send(i) {
    const c = this.strangers[i];
    const head = `${i} ${c.sent++} ${performance.now().toFixed(3)} `;
    if (head.length > o.size) fail(`--size ${o.size} is too small for the ${head.length}-character header`);
    c.send({ type: 'say', text: head + this.pad.slice(head.length) });
  }

  other(what, msg) {
    const key = msg.type === 'error' ? msg.code : `${what}${msg.type}`;
    const into = msg.type === 'error' ? this.errors : this.unexpected;
    into[key] = (into[key] ?? 0) + 1;
  }

  closed(c, why) {
    ++this.count.closed;
    this.firstClose ||= `${c.label}: ${why}`;
  }

  // A message to stranger c; returns the sender's index when it is a new, well-routed `said`.
  receive(c, msg) {
    const now = performance.now();
    if (msg.type !== 'said') return void this.other('', msg);
    const [sender, seqText, sentText] = msg.text.split(' ', 3);
    const from = Number(sender), seq = Number(seqText), sentAt = Number(sentText);
    if (msg.from !== c.peerLabel || from !== c.peer || !(seq >= 0 && seq < this.strangers[from].sent)) {
      return void ++this.count.misrouted;
    }
    if (seq < c.next || c.above.has(seq)) return void ++this.count.duplicated;
    if (seq < c.maxSeen) ++this.count.reordered;   // arrived after a later one
    c.maxSeen = Math.max(c.maxSeen, seq);
    if (seq === c.next) {
      for (++c.next; c.above.delete(c.next); ++c.next);
    } else {
      c.above.add(seq);
    }
    ++this.count.received;
    if (this.measuring) ++this.count.windowReceived;
    this.sendTimes.push(sentAt);
    this.latencies.push(now - sentAt);
    return from;
  }

  // Latencies of the messages sent in [t1, t2), sorted.
  window(t1, t2) {
    const out = [];
    for (let k = 0; k < this.sendTimes.length; ++k) {
      if (this.sendTimes[k] >= t1 && this.sendTimes[k] < t2) out.push(this.latencies[k]);
    }
    return out.sort((a, b) => a - b);
  }
}

// Starts the strangers sending; returns how to stop them and how late the schedule ran.
// Fixed rate: the n strangers take turns, message k at t0 + k / (n R), so the load is even.
// Closed loop (--rate 0): each stranger's next message goes as soon as its peer got the last one.
function drive(ledger) {
  const n = ledger.strangers.length;
  const state = { sending: true, lateMax: 0 };
  ledger.strangers.forEach((c) => {
    c.onMessage = (msg) => {
      const from = ledger.receive(c, msg);
      if (o.rate === 0 && state.sending && from !== undefined) ledger.send(from);
    };
  });
  if (o.rate === 0) {
    for (let i = 0; i < n; ++i) ledger.send(i);
    return state;
  }
  const t0 = performance.now();
  const every = 1000 / (n * o.rate);
  let scheduled = 0;
  const tick = () => {
    if (!state.sending) return;
    const now = performance.now();
    const due = Math.floor((now - t0) / every) + 1;
    if (scheduled < due) state.lateMax = Math.max(state.lateMax, now - (t0 + scheduled * every));
    for (; scheduled < due; ++scheduled) ledger.send(scheduled % n);
    setTimeout(tick, 1);
  };
  tick();
  return state;
}

function report(ledger, samples, begin, end, own, t1, t2, lateMax) {
  const { count } = ledger;
  const window = ledger.window(t1, t2);
  const seconds = (t2 - t1) / 1000;
  const n = ledger.strangers.length;
  const sent = ledger.sent();
  const result = {
    client: o.client, pairs: o.pairs, rate: o.rate, size: o.size, idle: o.idle, seconds,
    offered_per_s: o.rate * n, delivered_per_s: count.windowReceived / seconds,
    sent, received: count.received, lost: sent - count.received,
    duplicated: count.duplicated, misrouted: count.misrouted, reordered: count.reordered,
    closed: count.closed, first_close: ledger.firstClose, errors: ledger.errors, unexpected: ledger.unexpected,
    p50_ms: percentile(window, 0.5), p99_ms: percentile(window, 0.99), max_ms: percentile(window, 1),
    // The generator's own CPU over the window (one core at most: one thread), and how late its
    // schedule ran: near 1 core or late by more than a message's period means it, not the server, set the pace.
    generator_core: (own.user + own.system) / 1e6 / seconds, generator_late_max_ms: lateMax,
  };
  if (!o.pid) return result;
  const { start, afterIdle, connected } = samples;
  const cpu = end.user_s + end.sys_s - begin.user_s - begin.sys_s;
  const conns = o.idle + n;
  return Object.assign(result, {
    cpu_us_per_msg: (1e6 * cpu) / Math.max(1, count.windowReceived),
    sys_us_per_msg: (1e6 * (end.sys_s - begin.sys_s)) / Math.max(1, count.windowReceived),
    cpu_core: cpu / seconds,
    rss_kb: { start: start.rss_kb, idle: afterIdle.rss_kb, connected: connected.rss_kb, end: end.rss_kb },
    rss_kb_per_conn: (end.rss_kb - start.rss_kb) / conns,
    rss_kb_per_idle: o.idle ? (afterIdle.rss_kb - start.rss_kb) / o.idle : null,
    fds: { start: start.fds, connected: connected.fds },
    fds_per_conn: (connected.fds - start.fds) / conns,
  });
}

async function main() {
  const since = performance.now();
  const progress = (what) => process.stderr.write(`load: ${what} after ${f1((performance.now() - since) / 1000)} s\n`);
  const sleep = (ms) => new Promise((r) => { setTimeout(r, ms); });
  const { idle, strangers, samples } = await connectAll(progress);
  const ledger = new Ledger(strangers);
  for (const c of [...idle, ...strangers]) c.onClose = (why) => ledger.closed(c, why);
  idle.forEach((c) => { c.onMessage = (msg) => ledger.other('idle ', msg); });
  const driving = drive(ledger);

  await sleep(o.warmup * 1000);
  progress('warm-up over');
  const begin = sample();
  const ownBegin = process.cpuUsage();
  const t1 = performance.now();
  ledger.measuring = true;
  await sleep(o.seconds * 1000);
  const end = sample();
  const own = process.cpuUsage(ownBegin);
  const t2 = performance.now();
  ledger.measuring = false;
  driving.sending = false;
  progress('measured window over');
  for (const until = performance.now() + o.drain * 1000; ledger.count.received < ledger.sent() &&
       performance.now() < until;) {
    await sleep(10);
  }
  const result = report(ledger, samples, begin, end, own, t1, t2, driving.lateMax);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const c of [...idle, ...strangers]) c.onClose = null;
  process.exit(0);   // the kernel closes every socket; the server is not measured any more
}

main().catch((e) => fail(`load: ${e.stack ?? e}`));
