// The browser client when things go wrong: a WebSocket upgrade that fails
// (here: a path the relay answers with 404) falls back to long-polling and
// says so, like Socket.IO; a relay that restarts is found again with
// exponential backoff, and the page carries on with what it was doing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay, launchChromium, waitState, say, waitTheirs, shot, waitFor } from './lib.mjs';

let browser;
const relays = [];
after(async () => {
  if (browser) await browser.close();
  for (const r of relays) await r.stop();
  assert.deepEqual(browser ? browser.errors : [], [], 'no JavaScript errors on any page');
});

test('a failed WebSocket upgrade falls back to long-polling, says so, and still chats', async () => {
  const relay = await startRelay();
  relays.push(relay);
  browser = browser || await launchChromium();
  const a = await browser.open(relay.base + '/?wspath=/no-websocket-here', { width: 375, height: 667 });
  const b = await browser.open(relay.base + '/', { width: 1280, height: 800 });
  await waitState(a, 'start');
  await waitState(b, 'start');
  assert.equal(await a.evaluate(() => window.wirelab.transport), 'poll', 'the page switched to long-polling');
  assert.equal(await a.evaluate(() => window.wirelab.fellBack), true);
  assert.match(await a.textContent('#notice'), /WebSocket could not connect.*long-polling/);
  assert.match(await a.textContent('#link-text'), /Long-polling \(fallback\)/);
  assert.equal(await b.evaluate(() => window.wirelab.transport), 'ws');
  await a.click('#find');
  await waitState(a, 'waiting');
  await b.click('#find');
  await waitState(a, 'paired');
  await say(a, 'I fell back to polling');
  await waitTheirs(b, 'I fell back to polling');
  await say(b, 'and I am on a WebSocket');
  await waitTheirs(a, 'and I am on a WebSocket');
  await shot(a, 'fallback-phone');
  await a.close();
  await b.close();
});

test('after the relay restarts the page reconnects with backoff and looks for a stranger again', async () => {
  const first = await startRelay();
  browser = browser || await launchChromium();
  const a = await browser.open(first.base + '/', { width: 1280, height: 800 });
  await waitState(a, 'start');
  const label1 = await a.evaluate(() => window.wirelab.me);
  await a.click('#find');
  await waitState(a, 'waiting');
  const port = first.port;
  const exit = await first.stop();
  assert.equal(exit.code, 0);
  // The state and its text read in one go inside the page: the first backoff is 0.25-0.5 s, and two
  // separate reads from here can straddle it (the page already says "Connecting…" again).
  const reconnecting = await a.waitForFunction(
    () => document.body.dataset.link === 'reconnecting' && document.getElementById('link-text').textContent);
  assert.match(await reconnecting.jsonValue(), /Connection lost( \(1001\))?\. Reconnecting in \d+ s…/);
  await shot(a, 'reconnecting-desktop');
  // The page knows only its own origin: bring the relay back on the same port.
  const again = await startRelayOn(port);
  relays.push(again);
  await a.waitForSelector('body[data-link="open"]', { timeout: 20000 });
  await waitState(a, 'waiting', 10000);   // it queued itself again after the new welcome
  const label2 = await a.evaluate(() => window.wirelab.me);
  assert.match(label2, /^Stranger [0-9a-f]{4}$/);
  const b = await browser.open(again.base + '/', { width: 1280, height: 800 });
  await waitState(b, 'start');
  await b.click('#find');
  await waitState(a, 'paired');
  assert.ok(label1.length > 0);
  await a.close();
  await b.close();
});

// A relay on a given port (the restarted one), waiting for its listening line.
async function startRelayOn(port) {
  return waitFor('the port ' + port + ' to be free again', async () => {
    try { return await startRelay([], { port }); } catch { return null; }
  }, 15000, 300);
}
