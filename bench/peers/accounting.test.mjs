// load.mjs's accounting catches what it claims to (node --test; ctest bench_peers_accounting):
// against a chat server that mishandles known messages of every stranger, each count is exact.
// Without this, bench_peers_smoke passing could mean the checks never fire.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = dirname(fileURLToPath(import.meta.url));

// The chat's welcome/find/paired/said, with each stranger's says numbered from 0: #3 is dropped,
// #5 sent twice, #7 sent back to the sender instead of the peer, #9 held back and sent after #10.
function faultyServer() {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, path: '/chat' });
  let waiting = null;
  let n = 0;
  wss.on('connection', (ws) => {
    const p = { label: `Stranger ${(++n).toString(16).padStart(4, '0')}`, ws, peer: null, says: 0, held: null };
    p.send = (m) => ws.send(JSON.stringify(m));
    p.send({ type: 'welcome', you: p.label, limits: { max_text_bytes: 2000, rate_per_s: 1e6, burst: 1e6 } });
    ws.on('message', (data) => {
      const m = JSON.parse(data);
      if (m.type === 'find') {
        if (!waiting) {
          waiting = p;
          return p.send({ type: 'waiting' });
        }
        [p.peer, waiting.peer] = [waiting, p];
        waiting.send({ type: 'paired', peer: p.label });
        p.send({ type: 'paired', peer: waiting.label });
        waiting = null;
        return undefined;
      }
      const said = { type: 'said', from: p.label, text: m.text };
      const k = p.says++;
      if (k === 3) return undefined;
      if (k === 5) p.peer.send(said);
      if (k === 7) return p.send(said);
      if (k === 9) return void (p.held = said);
      p.peer.send(said);
      if (k === 10) p.peer.send(p.held);
      return undefined;
    });
  });
  return new Promise((resolve) => { server.listen(0, '127.0.0.1', () => resolve({ server, wss })); });
}

// --drain 3: the planned losses make the load wait its whole drain, and on a starved runner (the ASan
// suite at -j2 beside) a message can take over a second: with 1 s, 41 were counted lost instead of 8.
function load(port) {
  const args = [join(here, 'load.mjs'), '--client', 'ws', '--url', `ws://127.0.0.1:${port}/chat`, '--pairs', '2',
                '--rate', '20', '--warmup', '0', '--seconds', '1', '--drain', '3', '--idle', '3'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('exit', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out));
      } catch {
        reject(new Error(`load.mjs printed no result: ${JSON.stringify(out)}`));
      }
    });
  });
}

test('every fault of every stranger is counted, exactly', { timeout: 30000 }, async () => {
  const { server, wss } = await faultyServer();
  try {
    const r = await load(server.address().port);
    assert.ok(r.sent >= 4 * 12, `each of the 4 strangers must send at least 12 messages: sent ${r.sent}`);
    // Per stranger: #3 dropped and #7 misrouted never reach the peer; #5 arrives twice; #9 after #10.
    assert.deepEqual({ lost: r.lost, duplicated: r.duplicated, misrouted: r.misrouted, reordered: r.reordered,
                       closed: r.closed },
                     { lost: 8, duplicated: 4, misrouted: 4, reordered: 4, closed: 0 });
    assert.equal(r.received, r.sent - 8);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.close();
  }
});
