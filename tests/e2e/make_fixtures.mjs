// Regenerates the visualizer's bundled captures (fixtures/README.md), run by
// scripts/make-fixtures:
//   demo-deterministic.jsonl  relay --demo --deterministic --capture: one round
//                             of the scripted strangers, ending cleanly (B
//                             leaves, A closes 1000, B hangs up), then SIGTERM.
//   chromium-session.jsonl    relay --deterministic --capture with two Chromium
//                             pages (one WebSocket, one long-polling): a few
//                             messages, a skip, a new pair, then both close.
//   permessage-deflate.jsonl  relay --deterministic --permessage-deflate --capture
//                             with two Chromium pages on WebSockets: Chromium
//                             negotiates RFC 7692, so every data frame carries
//                             RSV1 and a raw-deflate payload; then both close.
//   wss-chromium.jsonl        relay --deterministic --tls-cert --capture (a
//                             scripts/dev-cert pair made for the run) with two
//                             Chromium pages over https/wss: the tls_record
//                             events beside the frames they carried.
//   latency-100ms.jsonl       relay --deterministic --delay-ms 100 --capture with
//                             two Chromium pages (one WebSocket, one long-polling):
//                             the WebSocket page sends pairs of lines 20 ms apart
//                             (no typing indicator),
//                             so the second of each pair reaches the relay while
//                             no poll is held and waits for the next one; the
//                             long-polling page answers each pair; then both close.
//   socketio-chromium.jsonl   relay --deterministic --upstream --capture in front of
//                             tools/socketio-chat (Socket.IO 4.8) with two
//                             Chromium pages: each polls, probes a WebSocket
//                             and upgrades; three messages, then both close.
// Usage: node make_fixtures.mjs OUT_DIR [demo|chromium|deflate|wss|latency|socketio ...]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRelay, subscribeMirror, launchChromium, waitState, say, waitTheirs, sleep, waitFor, startSocketIoChat }
  from './lib.mjs';

const outDir = path.resolve(process.argv[2] || 'fixtures/captures');
const which = process.argv.slice(3).length ? process.argv.slice(3)
  : ['demo', 'chromium', 'deflate', 'wss', 'latency', 'socketio'];
fs.mkdirSync(outDir, { recursive: true });

// Every connection that opened has closed: the capture ends cleanly.
function allClosed(events) {
  const open = new Set();
  for (const e of events) {
    if (e.kind === 'open') open.add(e.conn);
    if (e.kind === 'close') open.delete(e.conn);
  }
  return open.size === 0;
}

async function finish(relay, mirror, file) {
  await waitFor('every connection to close', () => allClosed(mirror.events), 20000);
  await sleep(300);
  mirror.close();
  const exit = await relay.stop();
  if (exit.code !== 0) throw new Error('the relay exited ' + JSON.stringify(exit) + '\n' + relay.stderr);
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const size = fs.statSync(file).size;
  console.log('make-fixtures: ' + path.relative(process.cwd(), file) + ': ' + lines.length + ' events, ' + size + ' bytes');
  if (size > 1024 * 1024) throw new Error(file + ' is over 1 MiB');
}

async function demo() {
  const file = path.join(outDir, 'demo-deterministic.jsonl');
  fs.rmSync(file, { force: true });
  // One round, then both strangers leave and hang up.
  const relay = await startRelay(['--demo', '--demo-rounds', '1', '--deterministic', '--capture', file]);
  const mirror = await subscribeMirror(relay.mirrorUrl);
  // The end of the script: A's close 1000 "bye" (7.1.2), then B's connections close.
  await mirror.waitEvent('the demo to finish (A closes 1000)', (e) => e.kind === 'close' && e.code === 1000, 60000);
  await finish(relay, mirror, file);
}

// Two Chromium pages at urlA and urlB (relative to the relay) chat through a
// relay started with relayArgs and --capture FILE; `script(a, b, talk)` says
// what they do once paired. Both tabs close at the end, so the capture ends cleanly.
async function twoPages(name, relayArgs, urlA, urlB, typing, script) {
  const file = path.join(outDir, name);
  fs.rmSync(file, { force: true });
  const relay = await startRelay(['--deterministic', ...relayArgs, '--capture', file]);
  const mirror = await subscribeMirror(relay.mirrorUrl);
  const browser = await launchChromium({ ignoreHTTPSErrors: relay.tls });
  try {
    const a = await browser.open(relay.base + urlA.path, urlA.size);
    const b = await browser.open(relay.base + urlB.path, urlB.size);
    await waitState(a, 'start');
    await waitState(b, 'start');
    const talk = async (from, to, text) => {
      if (typing) {
        await from.type('#text', text.slice(0, 6), { delay: 60 });   // a real typing indicator first
        await sleep(400);
      }
      await from.fill('#text', text);
      await from.press('#text', 'Enter');
      await waitTheirs(to, text);
      await sleep(typing ? 600 : 400);
    };
    await a.click('#find');
    await waitState(a, 'waiting');
    await b.click('#find');
    await waitState(a, 'paired');
    await waitState(b, 'paired');
    await script(a, b, talk);
    await a.close();
    await b.close();
  } finally {
    await browser.close();
  }
  await finish(relay, mirror, file);
}

const desktop = { width: 1280, height: 800 };
const phone = { width: 375, height: 667 };

async function chromium() {
  await twoPages('chromium-session.jsonl', [], { path: '/', size: desktop }, { path: '/?transport=poll', size: phone },
    true, async (a, b, talk) => {
      await talk(a, b, 'Hi! I am a Chromium page on a WebSocket.');
      await talk(b, a, 'Hello! I am long-polling: every message is a POST.');
      await talk(a, b, 'My frames are masked with a fresh key each time.');
      await talk(b, a, 'And my answers wait in a held GET. Bye for now!');
      await a.click('#skip');                       // skip = leave + find, after a confirm
      await a.click('#confirm-yes');
      await waitState(b, 'ended');
      await sleep(500);
      await b.click('#again');
      await waitState(a, 'paired');
      await waitState(b, 'paired');
      await talk(b, a, 'Found you again!');
      await talk(a, b, 'Small world. Closing the tab now.');
    });
}

async function deflate() {
  await twoPages('permessage-deflate.jsonl', ['--permessage-deflate'], { path: '/', size: desktop },
    { path: '/', size: desktop }, false, async (a, b, talk) => {
      // Repetition is what deflate removes: the second line's frame is much shorter than its text.
      await talk(a, b, 'Compress me.');
      await talk(b, a, 'ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha ha!');
      await talk(a, b, 'The same words again, the same words again, the same words again.');
      await talk(b, a, 'RSV1 says: this payload is compressed (RFC 7692).');
    });
}

// https and wss with a fresh scripts/dev-cert pair (its key deleted after the run).
async function wss() {
  const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelab-fixture-cert-'));
  try {
    const devCert = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'dev-cert');
    execFileSync(devCert, [certs], { stdio: 'ignore', timeout: 60000 });
    const tls = ['--tls-cert', path.join(certs, 'cert.pem'), '--tls-key', path.join(certs, 'key.pem')];
    await twoPages('wss-chromium.jsonl', tls, { path: '/', size: desktop }, { path: '/', size: desktop }, false,
      async (a, b, talk) => {
        await talk(a, b, 'Can the network read this?');
        await talk(b, a, 'No: it sees TLS records, their sizes and their timing.');
        await talk(a, b, 'So a long message still looks long. Good to know.');
      });
  } finally {
    fs.rmSync(certs, { recursive: true, force: true });
  }
}

// 100 ms each way between every page and the relay: a far-away server.
async function latency() {
  await twoPages('latency-100ms.jsonl', ['--delay-ms', '100'], { path: '/', size: desktop },
    { path: '/?transport=poll', size: phone }, false, async (a, b, talk) => {
      // The WebSocket page's lines are put in the box without input events (no typing
      // indicator): a typing message would take B's held poll first, and then every line
      // would wait; this way the first line of a pair finds a poll held, the second does not.
      const put = (text) => a.evaluate((t) => { document.getElementById('text').value = t; }, text);
      for (let round = 1; round <= 6; ++round) {
        const first = 'Round ' + round + ': first of two lines.';
        const second = 'Round ' + round + ': the second, right after.';
        await put(first);
        await a.press('#text', 'Enter');
        await sleep(20);                              // after the first left the page, long before its answer is back
        await put(second);
        await a.press('#text', 'Enter');
        await waitTheirs(b, second);
        await sleep(300);
        await talk(b, a, 'Got both of round ' + round + '.');
      }
    });
}

// Socket.IO behind the tap: Engine.IO's polling open, the probe, the upgrade, then events.
async function socketio() {
  const file = path.join(outDir, 'socketio-chromium.jsonl');
  fs.rmSync(file, { force: true });
  const app = await startSocketIoChat();
  try {
    const relay = await startRelay(['--deterministic', '--upstream', '127.0.0.1:' + app.port, '--capture', file]);
    const mirror = await subscribeMirror(relay.mirrorUrl);
    const browser = await launchChromium({});
    try {
      const a = await browser.open(relay.base + '/', desktop);
      const b = await browser.open(relay.base + '/', desktop);
      // Both pages have upgraded: their state line names the transport.
      for (const page of [a, b]) {
        await page.waitForFunction(() => document.getElementById('state').textContent.includes('websocket'),
          null, { timeout: 20000 });
      }
      const talk = async (from, to, text) => {
        await from.fill('#text', text);
        await from.press('#text', 'Enter');
        await to.waitForFunction((t) => [...document.querySelectorAll('#log li')].some((li) => li.textContent === t),
          text, { timeout: 10000 });
        await sleep(300);
      };
      await talk(a, b, 'Hello from a Socket.IO page!');
      await talk(b, a, 'It started on polling, then upgraded.');
      await talk(a, b, 'Every line is an EVENT inside a message packet.');
      await a.close();
      await b.close();
    } finally {
      await browser.close();
    }
    await finish(relay, mirror, file);
  } finally {
    await app.stop();
  }
}

for (const w of which) {
  if (w === 'demo') await demo();
  else if (w === 'chromium') await chromium();
  else if (w === 'deflate') await deflate();
  else if (w === 'wss') await wss();
  else if (w === 'latency') await latency();
  else if (w === 'socketio') await socketio();
  else throw new Error('unknown fixture ' + w + ' (demo | chromium | deflate | wss | latency | socketio)');
}
