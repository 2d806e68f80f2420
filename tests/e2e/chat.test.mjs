// The browser client (relay/web) in headless Chromium against the real relay:
// pairing and chat over WebSocket, over long-polling and mixed; skip with its
// confirm step; a room of three; kind errors; and the mirror showing Chromium's
// real handshake and masked frames. Screenshots land in WIRELAB_E2E_OUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startRelay, subscribeMirror, launchChromium, waitState, say, waitTheirs, shot, b64, unmask, acceptFor, header, waitFor,
} from './lib.mjs';

const phone = { width: 375, height: 667 };
const desktop = { width: 1280, height: 800 };
const projector = { width: 1920, height: 1080 };
let browser;

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  if (browser) await browser.close();
  assert.deepEqual(browser ? browser.errors : [], [], 'no JavaScript errors on any page');
});

// Each test has its own relay and mirror: no test can pair with a page that another one left
// waiting, so they pass in any order. After the test the relay must exit 0 on SIGTERM.
async function ownRelay(t) {
  const relay = await startRelay();
  const mirror = await subscribeMirror(relay.mirrorUrl);
  t.after(async () => {
    mirror.close();
    const exit = await relay.stop();
    assert.deepEqual(exit, { code: 0, signal: null }, 'the relay should exit 0 on SIGTERM; stderr:\n' + relay.stderr);
  });
  return { relay, mirror };
}

async function pair(a, b) {
  await waitState(a, 'start');
  await waitState(b, 'start');
  await a.click('#find');
  await waitState(a, 'waiting');
  await b.click('#find');
  await waitState(a, 'paired');
  await waitState(b, 'paired');
}

async function chatBothWays(a, b, tag) {
  await say(a, 'hello from A over ' + tag);
  await waitTheirs(b, 'hello from A over ' + tag);
  await b.type('#text', 'typing…');
  await a.waitForSelector('#typing:text("Stranger is typing…")', { timeout: 10000 });
  await b.fill('#text', '');
  await say(b, 'hi A, B here over ' + tag + ' ✓ ünïcödé');
  await waitTheirs(a, 'hi A, B here over ' + tag + ' ✓ ünïcödé');
  const mine = await a.$$eval('#log li.mine .body', (l) => l.map((e) => e.textContent));
  assert.deepEqual(mine, ['hello from A over ' + tag], 'my own message, right-aligned, once');
}

test('two pages pair and chat over WebSocket; skip needs a confirm; the stranger sees "has left"', async (t) => {
  const { relay } = await ownRelay(t);
  const a = await browser.open(relay.base + '/', phone);
  const b = await browser.open(relay.base + '/', desktop);
  await pair(a, b);
  assert.match(await a.textContent('#you'), /^You are Stranger [0-9a-f]{4} · connection #[0-9]+$/);
  assert.equal(await a.evaluate(() => window.wirelab.transport), 'ws');
  assert.match(await a.textContent('#promise'), /never stored/);
  await chatBothWays(a, b, 'WebSocket');
  await shot(a, 'chat-ws-phone');
  await shot(b, 'chat-ws-desktop');

  await a.click('#skip');
  await a.waitForSelector('#confirm:not([hidden])');
  await shot(a, 'chat-skip-confirm-phone');
  await a.click('#confirm-no');
  assert.equal(await a.evaluate(() => document.body.dataset.state), 'paired', '"Keep chatting" keeps the pair');
  await a.click('#skip');
  await a.click('#confirm-yes');
  await waitState(a, 'waiting');
  await waitState(b, 'ended');
  assert.match(await b.textContent('#notice'), /has left/);
  assert.match(await b.textContent('#log'), /Stranger has left\./);
  await shot(b, 'chat-ended-desktop');
  const counter = await a.textContent('#stats-line');
  assert.match(counter, /^Sent ≈ \d.* · Received ≈ \d.* · 1 HTTP request · WebSocket$/, counter);
  await a.close();
  await b.close();
});

test('two pages pair and chat over long-polling', async (t) => {
  const { relay } = await ownRelay(t);
  const a = await browser.open(relay.base + '/?transport=poll', desktop);
  const b = await browser.open(relay.base + '/?transport=poll', phone);
  await pair(a, b);
  assert.equal(await a.evaluate(() => window.wirelab.transport), 'poll');
  await chatBothWays(a, b, 'long-polling');
  const requests = await a.evaluate(() => window.wirelab.meter.requests);
  assert.ok(requests >= 5, 'open + recv + sends: at least 5 HTTP requests, saw ' + requests);
  await shot(b, 'chat-poll-phone');
  await a.close();
  await b.close();
});

test('a WebSocket page chats with a long-polling page without either noticing', async (t) => {
  const { relay } = await ownRelay(t);
  const a = await browser.open(relay.base + '/', desktop);
  const b = await browser.open(relay.base + '/?transport=poll', projector);
  await pair(a, b);
  await chatBothWays(a, b, 'mixed transports');
  await shot(b, 'chat-mixed-projector');
  await b.close();            // pagehide sends a beacon `leave`: A hears at once
  await waitState(a, 'ended', 15000);
  await a.close();
});

test('a room of three via ?room=', async (t) => {
  const { relay } = await ownRelay(t);
  const pages = [];
  for (let i = 0; i < 3; i++) {
    const p = await browser.open(relay.base + '/?room=cs101' + (i === 2 ? '&transport=poll' : ''), i === 0 ? phone : desktop);
    await waitState(p, 'start');
    assert.equal(await p.textContent('#find'), 'Join room cs101');
    await p.click('#find');
    await waitState(p, 'room');
    pages.push(p);
  }
  await pages[0].waitForSelector('#members:text("3 members")', { timeout: 10000 });
  await say(pages[1], 'hello room');
  await waitTheirs(pages[0], 'hello room');
  await waitTheirs(pages[2], 'hello room');
  const from = await pages[0].$$eval('#log li.theirs .from', (l) => l.map((e) => e.textContent));
  assert.equal(from.length, 1);
  assert.match(from[0], /^Stranger [0-9a-f]{4}$/, 'in a room, each message says who sent it');
  await shot(pages[0], 'room-phone');
  await pages[2].click('#leave');
  await pages[0].waitForSelector('#members:text("2 members")', { timeout: 10000 });
  for (const p of pages) await p.close();
});

test('relay errors are shown kindly (too_long, rate_limited)', async (t) => {
  const { relay } = await ownRelay(t);
  const a = await browser.open(relay.base + '/', desktop);
  const b = await browser.open(relay.base + '/', desktop);
  await pair(a, b);
  await say(a, 'x'.repeat(2100));
  await a.waitForSelector('#notice:not([hidden])');
  assert.match(await a.textContent('#notice'), /too long/);
  await a.waitForSelector('#log li.mine.failed');
  await shot(a, 'error-too-long-desktop');
  // 30 messages at once: past the burst of 20 the relay answers rate_limited.
  await a.evaluate(() => {
    for (let i = 0; i < 30; i++) {
      document.getElementById('text').value = 'quick ' + i;
      document.getElementById('composer').requestSubmit();
    }
  });
  await a.waitForFunction(() => /that was fast/.test(document.getElementById('notice').textContent));
  await waitTheirs(b, 'quick 0');
  await a.close();
  await b.close();
});

test('the mirror shows Chromium\'s real handshake and its masked frames; the page counts frame bytes exactly', async (t) => {
  const { relay, mirror } = await ownRelay(t);
  const from = mirror.events.length;
  const a = await browser.open(relay.base + '/', desktop);
  const req = await mirror.waitEvent('Chromium\'s GET /chat in the mirror', (e, i) =>
    mirror.events.indexOf(e) >= from && e.kind === 'http' && e.dir === 'c2s' && /^GET \/chat HTTP\/1\.1$/.test(e.start_line));
  const b = await browser.open(relay.base + '/', desktop);
  await pair(a, b);
  await say(a, 'masked hello');
  await waitTheirs(b, 'masked hello');

  // 4.1: Chromium's own headers, as it sent them.
  const ua = await a.evaluate(() => navigator.userAgent);
  assert.equal(header(req, 'User-Agent'), ua, 'the mirror has Chromium\'s real User-Agent');
  const key = header(req, 'Sec-WebSocket-Key');
  assert.ok(key && b64(key).length === 16, 'Sec-WebSocket-Key is base64 of 16 random bytes: ' + key);
  assert.notEqual(key, 'dGhlIHNhbXBsZSBub25jZQ==');
  assert.equal(header(req, 'Sec-WebSocket-Version'), '13');
  assert.match(header(req, 'Origin') || '', /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(b64(req.bytes).toString('latin1').slice(0, 19), 'GET /chat HTTP/1.1\r');
  // 4.2.2: the 101 with the accept for that key.
  const res = await mirror.waitEvent('the 101 for Chromium', (e) => e.kind === 'http' && e.conn === req.conn && e.dir === 's2c');
  assert.match(res.start_line, /^HTTP\/1\.1 101 /);
  assert.equal(header(res, 'Sec-WebSocket-Accept'), acceptFor(key));
  // 5.3: masked frames with Chromium's keys; unmasked they are the page's JSON.
  const ext = await a.evaluate(() => window.wirelab.extensions);
  const fromA = mirror.events.filter((e) => e.kind === 'frame' && e.conn === req.conn && e.dir === 'c2s');
  assert.ok(fromA.length >= 3, 'find, typing and say frames from Chromium, saw ' + fromA.length);
  for (const f of fromA) {
    assert.equal(f.masked, true, '5.1: every frame from the browser is masked');
    assert.match(f.mask_key, /^[0-9a-f]{8}$/);
  }
  assert.ok(new Set(fromA.map((f) => f.mask_key)).size >= fromA.length - 1, '5.3: a fresh mask key per frame');
  if (!ext) {
    const texts = fromA.filter((f) => f.opcode === 1).map((f) => JSON.parse(unmask(b64(f.payload), f.mask_key).toString('utf8')));
    assert.deepEqual(texts.find((t) => t.type === 'say'), { type: 'say', text: 'masked hello' });
    // The page's counter: frame bytes computed from message sizes equal the wire's, both ways.
    // The page counts a frame when it sends or reads it, the mirror when the relay reads or writes
    // it: wait until both have seen the same frames (a typing frame may still be on its way), then
    // compare; on a timeout the asserts below show both sides.
    const wireBytes = (dir) => mirror.events
      .filter((e) => e.kind === 'frame' && e.conn === req.conn && e.dir === dir && e.opcode !== 9 && e.opcode !== 10)
      .reduce((n, e) => n + b64(e.header).length + e.payload_len, 0);
    let meter;
    await waitFor('the page\'s frame bytes and the mirror\'s to agree', async () => {
      meter = await a.evaluate(() => ({ sent: window.wirelab.meter.sent, received: window.wirelab.meter.received }));
      return meter.sent.computed === wireBytes('c2s') && meter.received.computed === wireBytes('s2c');
    }, 10000).catch(() => {});
    assert.equal(meter.sent.computed, wireBytes('c2s'), 'bytes the page sent in frames (computed) vs the mirror');
    assert.equal(meter.received.computed, wireBytes('s2c'), 'bytes the page received in frames (computed) vs the mirror');
    const handshake = b64(req.bytes).length;
    if (process.env.WIRELAB_E2E_DUMP) console.log(b64(req.bytes).toString('latin1'));
    const guessed = meter.sent.exact + meter.sent.estimated;
    assert.ok(Math.abs(guessed - handshake) < handshake * 0.1,
      'the handshake estimate ' + guessed + ' B should be near the real ' + handshake + ' B');
  }
  await a.close();
  await b.close();
});

test('long-polling: the page\'s byte counter is close to the wire bytes in the mirror', async (t) => {
  const { relay, mirror } = await ownRelay(t);
  const from = mirror.events.length;
  const a = await browser.open(relay.base + '/?transport=poll', desktop);
  await waitState(a, 'start');
  await a.click('#find');
  await waitState(a, 'waiting');
  // Requests to /poll/* in the mirror and the answers on the same connections after them.
  const onWire = () => {
    let sent = 0, received = 0, requests = 0, heldRecv = false;
    const pending = new Map();   // conn -> the start lines of its requests not answered yet
    for (const e of mirror.events.slice(from).filter((x) => x.kind === 'http')) {
      const waiting = pending.get(e.conn) || [];
      if (e.dir === 'c2s' && / \/poll\//.test(e.start_line)) {
        sent += b64(e.bytes).length; requests += 1; waiting.push(e.start_line);
      } else if (e.dir === 's2c' && waiting.length > 0) {
        received += b64(e.bytes).length; waiting.shift();
      }
      pending.set(e.conn, waiting);
    }
    for (const w of pending.values()) heldRecv ||= w.some((line) => /^GET \/poll\/recv/.test(line));
    return { sent, received, requests, heldRecv };
  };
  // The event to wait for: the next GET /poll/recv has reached the relay and is held, the page has
  // counted every request the relay saw, and the answers it has read (the 204 to `find` may still be
  // on its way); on a timeout the asserts below show both sides.
  const total = (d) => d.exact + d.computed + d.estimated;
  const close = (page, onWireBytes, share) => Math.abs(total(page) - onWireBytes) <= onWireBytes * share;
  let wire, meter;
  await waitFor('a held GET /poll/recv in the mirror, and the page counting what the relay saw', async () => {
    wire = onWire();
    meter = await a.evaluate(() => ({ requests: window.wirelab.meter.requests, sent: window.wirelab.meter.sent,
      received: window.wirelab.meter.received }));
    return wire.heldRecv && meter.requests === wire.requests && close(meter.sent, wire.sent, 0.1) &&
      close(meter.received, wire.received, 0.05);
  }, 10000).catch(() => {});
  assert.ok(wire.heldRecv, 'the mirror should show a GET /poll/recv held by the relay');
  assert.equal(meter.requests, wire.requests, 'HTTP requests the page counted vs /poll/ requests in the mirror');
  const { sent, received } = wire;
  assert.ok(Math.abs(total(meter.sent) - sent) <= sent * 0.1,
    'the page says it sent ' + total(meter.sent) + ' B; the wire had ' + sent + ' B (within 10%)');
  assert.ok(Math.abs(total(meter.received) - received) <= received * 0.05,
    'the page says it received ' + total(meter.received) + ' B; the wire had ' + received + ' B (within 5%)');
  await a.close();
});
