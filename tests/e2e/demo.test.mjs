// `wirelab-relay --demo` against the real relay: the mirror shows stranger A's
// WebSocket (its handshake, masked frames, a ping and its pong) and stranger
// B's long-polls (ordinary HTTP/1.1), paired and chatting. With --deterministic
// two runs' captures differ only in t_us and what the relay itself randomises
// (its port and the long-poll session id).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startRelay, subscribeMirror, b64, unmask, header, acceptFor, outDir, waitFor } from './lib.mjs';

test('--demo: the mirror shows both strangers paired and chatting', async () => {
  // The demo starts as soon as the relay listens, before any subscriber: the capture has it all.
  const file = path.join(outDir, 'demo-random.jsonl');
  fs.rmSync(file, { force: true });
  const relay = await startRelay(['--demo', '--capture', file]);
  const mirror = await subscribeMirror(relay.mirrorUrl);
  try {
    await mirror.waitCount('two `paired` chat events, or more', (e) => e.kind === 'chat' && e.event === 'said', 1, 15000);
    const ping = await mirror.waitEvent('A\'s ping', (e) => e.kind === 'frame' && e.dir === 'c2s' && e.opcode === 9, 25000);
    await mirror.waitEvent('the relay\'s pong', (e) => e.kind === 'frame' && e.conn === ping.conn && e.dir === 's2c' &&
      e.opcode === 10 && e.payload_len === ping.payload_len, 5000);
    await mirror.waitEvent('a `said` from B', (e) => e.kind === 'chat' && e.event === 'said' && e.conn !== ping.conn, 10000);
  } finally {
    mirror.close();
    const exit = await relay.stop();
    assert.equal(exit.code, 0, 'SIGTERM stops the relay and its demo promptly, exit 0; stderr:\n' + relay.stderr);
  }
  const events = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(events[0].kind, 'hello');

  const upgrade = events.find((e) => e.kind === 'http' && e.dir === 'c2s' && e.start_line === 'GET /chat?bot=a HTTP/1.1');
  assert.ok(upgrade, 'stranger A\'s upgrade request is in the capture');
  assert.match(header(upgrade, 'User-Agent'), /wirelab-demo.*stranger A/);
  const key = header(upgrade, 'Sec-WebSocket-Key');
  assert.notEqual(key, 'dGhlIHNhbXBsZSBub25jZQ==', 'without --deterministic the key is random');
  const a = upgrade.conn;
  const accept = events.find((e) => e.kind === 'http' && e.conn === a && e.dir === 's2c');
  assert.match(accept.start_line, /^HTTP\/1\.1 101 /);
  assert.equal(header(accept, 'Sec-WebSocket-Accept'), acceptFor(key));
  const paired = events.filter((e) => e.kind === 'chat' && e.event === 'paired');
  assert.ok(paired.length >= 2, 'both strangers got `paired`');
  assert.equal(paired[0].who, paired[1].peer);
  const said = events.filter((e) => e.kind === 'chat' && e.event === 'said');
  assert.ok(said.some((e) => e.conn === a) && said.some((e) => e.conn !== a), 'both strangers said something');

  // A: masked text frames whose unmasked payload is a chat message (5.1, 5.3).
  const textsFromA = events.filter((e) => e.kind === 'frame' && e.conn === a && e.dir === 'c2s' && e.opcode === 1);
  assert.ok(textsFromA.length >= 3, 'find, typing and say frames from A');
  for (const f of textsFromA) {
    assert.equal(f.masked, true);
    const msg = JSON.parse(unmask(b64(f.payload), f.mask_key).toString('utf8'));
    assert.ok(['find', 'typing', 'say', 'leave'].includes(msg.type), JSON.stringify(msg));
  }
  assert.ok(new Set(textsFromA.map((f) => f.mask_key)).size === textsFromA.length, '5.3: a fresh mask key per frame');
  // B: ordinary HTTP/1.1 long-polls.
  const polls = events.filter((e) => e.kind === 'http' && e.dir === 'c2s' && /^(POST|GET) \/poll\//.test(e.start_line));
  assert.ok(polls.some((e) => e.start_line.startsWith('POST /poll/open')), 'B opened a session');
  assert.ok(polls.some((e) => e.start_line.startsWith('POST /poll/send?session=')), 'B sent');
  assert.ok(polls.some((e) => e.start_line.startsWith('GET /poll/recv?session=')), 'B polled');
  for (const p of polls) {
    assert.equal(header(p, 'Host'), '127.0.0.1:' + relay.port);
    assert.match(header(p, 'User-Agent'), /stranger B/);
  }
});

// Two deterministic runs at once: their first events, t_us aside, must be the same.
test('--demo --deterministic: two runs give the same capture but for t_us', async () => {
  const want = 45;   // events: connect, pair, three lines with typing, the ping
  const runs = await Promise.all([1, 2].map(async (n) => {
    const file = path.join(outDir, 'demo-deterministic-run' + n + '.jsonl');
    fs.rmSync(file, { force: true });
    const relay = await startRelay(['--demo', '--deterministic', '--capture', file]);
    const mirror = await subscribeMirror(relay.mirrorUrl);
    try {
      await mirror.waitEvent('A\'s ping', (e) => e.kind === 'frame' && e.opcode === 10, 30000);
      await waitFor(want + ' events', () => mirror.events.length >= want, 10000);
    } finally {
      mirror.close();
      await relay.stop();
    }
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    return { lines, port: relay.port };
  }));
  const normal = ({ lines, port }) => lines.slice(0, want).map((e) => {
    const s = JSON.stringify({ ...e, t_us: 0, connections: undefined, opened_t_us: undefined });
    // The relay's own randomness: its free port and its CSPRNG session ids (and what embeds them).
    return s.replaceAll(String(port), 'PORT').replace(/[0-9a-f]{32}/g, 'SESSION').replace(/"(bytes)":"[^"]*"/g, (m) =>
      '"bytes":' + JSON.stringify(b64(m.slice(9, -1)).toString('latin1').replaceAll(String(port), 'PORT').replace(/[0-9a-f]{32}/g, 'SESSION')));
  });
  const [one, two] = runs.map(normal);
  assert.ok(one.length >= want && two.length >= want, 'both captures have ' + want + ' events: ' + one.length + ', ' + two.length);
  for (let i = 0; i < want; i++) assert.equal(two[i], one[i], 'event ' + i + ' differs between two deterministic runs');
  const upgrade = runs[0].lines.find((e) => e.kind === 'http' && e.start_line === 'GET /chat?bot=a HTTP/1.1');
  assert.equal(header(upgrade, 'Sec-WebSocket-Key'), 'dGhlIHNhbXBsZSBub25jZQ==', 'RFC 6455\'s example key');
});

test('--demo with --tls-cert: the strangers speak TLS and the tap still shows plaintext', async () => {
  const certs = fs.mkdtempSync(path.join(outDir, 'certs-'));
  const devCert = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'scripts', 'dev-cert');
  execFileSync(devCert, [certs], { stdio: 'ignore' });
  const relay = await startRelay(['--demo', '--tls-cert', path.join(certs, 'cert.pem'), '--tls-key', path.join(certs, 'key.pem')]);
  const mirror = await subscribeMirror(relay.mirrorUrl);
  try {
    const hello = mirror.events.find((e) => e.kind === 'hello');
    const said = await mirror.waitEvent('a `said` over TLS', (e) => e.kind === 'chat' && e.event === 'said', 20000);
    const conn = hello.connections.find((c) => c.conn === said.conn) ||
      { transport: (mirror.events.find((e) => e.kind === 'open' && e.conn === said.conn) || {}).transport };
    assert.equal(conn.transport, 'tls', 'the demo\'s connections are TLS');
    const frame = await mirror.waitEvent('a masked frame in plaintext', (e) => e.kind === 'frame' && e.dir === 'c2s' && e.opcode === 1, 10000);
    assert.doesNotThrow(() => JSON.parse(unmask(b64(frame.payload), frame.mask_key).toString('utf8')));
  } finally {
    mirror.close();
    const exit = await relay.stop();
    assert.equal(exit.code, 0, relay.stderr);
    fs.rmSync(certs, { recursive: true, force: true });
  }
});
