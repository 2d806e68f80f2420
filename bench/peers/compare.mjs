// bench/peers: wirelab-relay (tap on, --no-tap), a node ws relay and a Socket.IO relay side by
// side under the same load (load.mjs), interleaved: A B C D, A B C D, ... Each run starts its
// server fresh on a free loopback port and stops it after. Prints per server CPU per message,
// p50/p99, RSS per connection and every message's fate, then the ratios issue 10's targets use.
// Exit code 1 when a server did not start or exit cleanly, or a message was lost, duplicated,
// misrouted or reordered. README.md says what each column means.
// Usage (bench/peers/run raises ulimit -n first):
//   node compare.mjs [--build BUILD_DIR (the repository's build/release) | --relay PATH] [--servers relay-tap,relay-notap,ws,socketio; also relay-tap-poll, relay-notap-poll]
//                    [--rounds 3] [--pairs 50] [--rate 10] [--size 64] [--idle 0[,10000]] [--warmup 2]
//                    [--seconds 10] [--json FILE]
// --idle with two values runs every server under both loads, interleaved too (A0 B0 C0 D0 A1 B1 C1
// D1, ...), and prints each server's CPU per message with the second against the first.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const LOAD_FLAGS = ['pairs', 'rate', 'size', 'warmup', 'seconds'];
const o = options(process.argv.slice(2));
const children = new Set();   // every process started here: killed at the end, on Ctrl-C and on a failure

function options(argv) {
  const o = { build: join(here, '..', '..', 'build', 'release'), relay: '', servers: 'relay-tap,relay-notap,ws,socketio', rounds: 3,
              pairs: 50, rate: 10, size: 64, idle: '0', warmup: 2, seconds: 10, json: '' };
  if (argv.includes('--help')) {
    console.log(`usage: bench/peers/run [--flag value]...; flags and defaults: ${JSON.stringify(o)}\n` +
                '(--relay defaults to BUILD/relay/wirelab-relay; --rate 0 = closed loop; bench/peers/README.md)');
    process.exit(0);
  }
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in o) || argv[i + 1] === undefined) {
      console.error(`compare: unknown flag ${argv[i]} (flags: ${Object.keys(o).map((k) => `--${k}`).join(' ')})`);
      process.exit(2);
    }
    o[key] = typeof o[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  o.relay ||= join(o.build, 'relay', 'wirelab-relay');
  return o;
}

// The same chat limits for everyone: the rate limit is lifted (the load sets the pace) and the
// relay's per-address cap is too (the load spreads its connections over 127.0.0.x anyway).
const UNLIMITED = ['--chat-rate', '1000000', '--chat-burst', '1000000'];
const RELAY = ['--port', '0', '--mirror-port', '0', '--max-conns-per-addr', '1000000', ...UNLIMITED];
const NODE_PEER = ['--port', '0', ...UNLIMITED];
const SERVERS = {
  'relay-tap': { cmd: () => o.relay, args: RELAY, client: 'ws', path: '/chat' },
  'relay-notap': { cmd: () => o.relay, args: [...RELAY, '--no-tap'], client: 'ws', path: '/chat' },
  // libwebsockets' own poll() loop, the relay's loop before epoll: to measure the difference in one run.
  'relay-tap-poll': { cmd: () => o.relay, args: [...RELAY, '--event-loop', 'poll'], client: 'ws', path: '/chat' },
  'relay-notap-poll': { cmd: () => o.relay, args: [...RELAY, '--no-tap', '--event-loop', 'poll'], client: 'ws',
                        path: '/chat' },
  ws: { cmd: () => process.execPath, args: [join(here, 'ws-relay.mjs'), ...NODE_PEER], client: 'ws', path: '/chat' },
  socketio: { cmd: () => process.execPath, args: [join(here, 'socketio-relay.mjs'), ...NODE_PEER], client: 'socketio',
              path: '' },
};

function started(cmd, args) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.tail = [];   // the last lines of stderr, for a failure's message (read, so the pipe never fills)
  child.stderr.setEncoding('utf8').on('data', (s) => {
    child.tail.push(...s.split('\n').filter(Boolean));
    child.tail.splice(0, Math.max(0, child.tail.length - 10));
  });
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => { children.delete(child); resolve({ code, signal }); });
    child.on('error', (e) => { children.delete(child); resolve({ code: null, signal: null, error: e.message }); });
  });
  return child;
}

// Starts a server; resolves with its process and port once it printed `listening on http://H:P`.
async function startServer(name) {
  const s = SERVERS[name];
  const child = started(s.cmd(), s.args);
  let out = '';
  const port = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(0), 15000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /listening on https?:\/\/[^\s]+:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.exited.then(() => { clearTimeout(timer); resolve(0); });
  });
  if (!port) {
    child.kill('SIGKILL');
    const how = await child.exited;
    throw new Error(`${name} did not start (${s.cmd()} ${s.args.join(' ')}): ${JSON.stringify(how)} ` +
                    `${child.tail.join(' | ')}`);
  }
  return { child, port };
}

async function stopServer(name, child) {
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10000);   // wirelab-relay's contract: ~3 s
  const how = await child.exited;
  clearTimeout(timer);
  return how.code === 0 ? '' : `${name} did not exit cleanly on SIGTERM: ${JSON.stringify(how)} ${child.tail.join(' | ')}`;
}

async function runLoad(name, idle, pid, port) {
  const s = SERVERS[name];
  const url = `${s.client === 'ws' ? 'ws' : 'http'}://127.0.0.1:${port}${s.path}`;
  const args = [join(here, 'load.mjs'), '--client', s.client, '--url', url, '--pid', String(pid),
                '--idle', String(idle), ...LOAD_FLAGS.flatMap((k) => [`--${k}`, String(o[k])])];
  const child = started(process.execPath, args);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  // Bounded: connecting (1 s per 20 connections: a busy machine is slow to accept), the phases,
  // the drain (load.mjs: at most 20 s), a margin.
  const budget = 60 + (idle + 2 * o.pairs) / 20 + o.warmup + o.seconds + 20;
  const timer = setTimeout(() => child.kill('SIGKILL'), budget * 1000);
  const how = await child.exited;
  clearTimeout(timer);
  try {
    return JSON.parse(out.trim().split('\n').pop());
  } catch {
    return { error: `load generator ended without a result (${JSON.stringify(how)}, budget ${budget} s): ` +
                    `${child.tail.join(' | ')}` };
  }
}

function median(xs) {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

const f = (x, digits = 1) => (typeof x === 'number' ? x.toFixed(digits) : '-');
const ACCOUNT = ['lost', 'duplicated', 'misrouted', 'reordered', 'closed'];

function line(name, r) {
  if (r.error) return `${name.padEnd(W)} FAILED: ${r.error}`;
  return [name.padEnd(W), f(r.delivered_per_s, 0).padStart(8), f(r.cpu_us_per_msg).padStart(8),
          f(r.sys_us_per_msg).padStart(8), `${f(100 * r.cpu_core, 0)}%`.padStart(6), f(r.p50_ms, 2).padStart(7),
          f(r.p99_ms, 2).padStart(7), `${f(r.rss_kb.start / 1024)}->${f(r.rss_kb.end / 1024)}`.padStart(12),
          f(r.rss_kb_per_conn).padStart(8), f(r.rss_kb_per_idle).padStart(8), f(r.fds_per_conn, 2).padStart(6),
          `  ${ACCOUNT.map((k) => r[k]).join('/')}`,
          r.delivered_per_s < 0.9 * r.offered_per_s ? ` (behind: ${f(r.delivered_per_s, 0)} of ${r.offered_per_s} msgs/s offered)` : '',
          r.generator_core > 0.8 ? ` (load generator busy: ${f(100 * r.generator_core, 0)}% of a core)` : '',
          Object.keys(r.errors).length ? ` errors ${JSON.stringify(r.errors)}` : '',
          Object.keys(r.unexpected).length ? ` unexpected ${JSON.stringify(r.unexpected)}` : ''].join(' ');
}
const W = 18;   // the first column: a server's name, and @IDLE when --idle has two values
const HEADER = `${'server'.padEnd(W)}   msgs/s  cpu µs/m  sys µs/m   core  p50 ms  p99 ms  RSS MB s->e ` +
               `KB/conn  KB/idle fd/conn  lost/dup/misrouted/reordered/closed`;

function limits() {
  const m = /Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/.exec(readFileSync('/proc/self/limits', 'utf8'));
  return m ? `${m[1]} (hard ${m[2]})` : 'unknown';
}

async function main() {
  const servers = o.servers.split(',');
  for (const n of servers) if (!SERVERS[n]) throw new Error(`unknown server ${n}: one of ${Object.keys(SERVERS).join(', ')}`);
  const idles = String(o.idle).split(',').map(Number);
  if (idles.length > 2 || idles.some((n) => !(n >= 0))) throw new Error(`--idle takes one or two counts: ${o.idle}`);
  // One entry per (idle count, server), in the order they run in each round.
  const runs = idles.flatMap((idle) => servers.map((server) => ({ server, idle,
                                                                   key: idles.length > 1 ? `${server}@${idle}` : server })));
  const names = runs.map((r) => r.key);
  console.log(`peers: ${o.pairs} pairs x ${o.rate ? `${o.rate} msg/s` : 'closed loop'}, ${o.size}-character texts, ` +
              `${o.idle} idle connections, warm-up ${o.warmup} s, measured ${o.seconds} s, ${o.rounds} round(s) ` +
              `interleaved; ulimit -n ${limits()}; relay ${o.relay}`);
  console.log(HEADER);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  const problems = [];
  for (let round = 1; round <= o.rounds; ++round) {
    for (const { server, idle, key: name } of runs) {
      let r;
      try {
        const { child, port } = await startServer(server);
        r = await runLoad(server, idle, child.pid, port);
        const stopped = await stopServer(server, child);
        if (stopped) problems.push(stopped);
      } catch (e) {
        r = { error: e.message };
      }
      results[name].push(r);
      console.log(`${line(name, r)}   (round ${round})`);
      if (r.error) problems.push(`${name}, round ${round}: ${r.error}`);
      for (const k of ACCOUNT) if (r[k]) problems.push(`${name}, round ${round}: ${r[k]} ${k} (${r.first_close || ''})`);
    }
  }
  summary(servers, idles, results);
  if (o.json) writeFileSync(o.json, `${JSON.stringify({ options: o, results }, null, 1)}\n`);
  if (problems.length) {
    console.log(`FAILED:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  }
}

function summary(servers, idles, results) {
  const names = Object.keys(results);
  const med = {};
  console.log(`\nmedian of ${o.rounds} round(s):`);
  console.log(HEADER);
  for (const name of names) {
    const ok = results[name].filter((r) => !r.error);
    if (!ok.length) continue;
    const m = (get) => median(ok.map(get));
    med[name] = { delivered_per_s: m((r) => r.delivered_per_s), cpu_us_per_msg: m((r) => r.cpu_us_per_msg),
                  sys_us_per_msg: m((r) => r.sys_us_per_msg), cpu_core: m((r) => r.cpu_core),
                  p50_ms: m((r) => r.p50_ms), p99_ms: m((r) => r.p99_ms),
                  rss_kb: { start: m((r) => r.rss_kb.start), end: m((r) => r.rss_kb.end) },
                  rss_kb_per_conn: m((r) => r.rss_kb_per_conn), rss_kb_per_idle: m((r) => r.rss_kb_per_idle),
                  fds_per_conn: m((r) => r.fds_per_conn), errors: {}, unexpected: {} };
    for (const k of ACCOUNT) med[name][k] = ok.reduce((s, r) => s + r[k], 0);   // totals, not medians
    console.log(line(name, med[name]));
  }
  const ratio = (a, b, key, target) => {
    if (!med[a] || !med[b] || !(med[b][key] > 0)) return;   // nothing measured to divide by
    console.log(`  ${a} / ${b} ${key}: ${f(med[a][key] / med[b][key], 2)}` +
                (target ? ` (issue 10's target: <= ${target})` : ''));
  };
  console.log('ratios (medians):');
  for (const idle of idles) {
    const at = (server) => (idles.length > 1 ? `${server}@${idle}` : server);
    ratio(at('relay-tap'), at('socketio'), 'cpu_us_per_msg', 0.5);
    ratio(at('relay-tap'), at('ws'), 'cpu_us_per_msg', 1);
    ratio(at('relay-notap'), at('socketio'), 'cpu_us_per_msg', 0.25);
    ratio(at('relay-tap'), at('ws'), 'p99_ms', 1);
  }
  if (idles.length > 1) {   // the same server with the second idle count against the first
    for (const server of servers) {
      ratio(`${server}@${idles[1]}`, `${server}@${idles[0]}`, 'cpu_us_per_msg', server.startsWith('relay') ? 1.5 : 0);
    }
  }
}

// Whatever happens, nothing started here outlives this process.
function killAll() {
  for (const c of children) c.kill('SIGKILL');
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`compare: ${sig}, stopping every server and load generator`);
    const gone = Promise.all([...children].map((c) => c.exited));   // reaped, so none is left a zombie
    killAll();
    Promise.race([gone, new Promise((r) => { setTimeout(r, 2000); })]).then(() => process.exit(130));
  });
}
main().catch((e) => {
  console.error(`compare: ${e.stack ?? e}`);
  process.exitCode = 1;
});
