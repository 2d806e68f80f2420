// A real Socket.IO app (tools/socketio-chat, Socket.IO 4.8) behind
// `wirelab-relay --upstream`, with two Chromium pages of its chat: one starts on
// long-polling and upgrades, one goes straight to a WebSocket. What the mirror
// must show, and what it must never carry (docs/socketio.md):
//   - the upgrade dance of the polling page, byte for byte: 2probe, 3probe, 5;
//   - the chat line, as a Socket.IO EVENT in a frame;
//   - neither page's Engine.IO sid nor Socket.IO id, anywhere: not in request
//     targets, not in polling bodies, not in frames (credentials.h blanks them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRelay, subscribeMirror, launchChromium, startSocketIoChat, b64, unmask, waitFor } from './lib.mjs';

// Every byte the mirror carried, as text: frames unmasked, HTTP messages whole.
function mirroredText(events) {
  return events.map((e) => {
    if (e.kind === 'frame') return unmask(b64(e.payload || ''), e.mask_key).toString('latin1');
    if (e.kind === 'http') return b64(e.bytes || '').toString('latin1') + JSON.stringify(e);
    return JSON.stringify(e);
  }).join('\n');
}
const frameText = (e) => unmask(b64(e.payload || ''), e.mask_key).toString('utf8');

test('Socket.IO behind --upstream: the upgrade on the mirror, every id blanked', async () => {
  const app = await startSocketIoChat();
  const relay = await startRelay(['--upstream', '127.0.0.1:' + app.port]);
  const mirror = await subscribeMirror(relay.mirrorUrl);
  const browser = await launchChromium();
  try {
    const polling = await browser.open(relay.base + '/');
    const direct = await browser.open(relay.base + '/?transports=websocket');
    for (const page of [polling, direct]) {
      await page.waitForFunction(() => document.getElementById('state').textContent.includes('websocket'), null,
        { timeout: 20000 });
    }
    await polling.fill('#text', 'Hello through the tap');
    await polling.press('#text', 'Enter');
    await direct.waitForFunction(() => [...document.querySelectorAll('#log li')].some((li) => li.textContent === 'Hello through the tap'),
      null, { timeout: 10000 });

    const frames = () => mirror.events.filter((e) => e.kind === 'frame' && e.opcode === 1);
    await waitFor('the EVENT on the mirror', () => frames().some((e) => frameText(e) === '42["chat message","Hello through the tap"]'), 10000);
    const c2s = frames().filter((e) => e.dir === 'c2s').map(frameText);
    const s2c = frames().filter((e) => e.dir === 's2c').map(frameText);
    assert.ok(c2s.includes('2probe'), 'the polling page probes its new WebSocket: 2probe; client frames were ' + JSON.stringify(c2s));
    assert.ok(s2c.includes('3probe'), 'the server answers 3probe; server frames were ' + JSON.stringify(s2c));
    assert.ok(c2s.includes('5'), 'then the client sends the upgrade packet 5');
    // 4 message, 2 EVENT, then the acknowledgement id the client asks for (Socket.IO 5).
    assert.ok(c2s.some((t) => /^42\d+\["chat message","Hello through the tap"\]$/.test(t)),
      'the line as a Socket.IO EVENT with an ack id; client frames were ' + JSON.stringify(c2s));
    const upgrades = mirror.events.filter((e) => e.kind === 'http' && e.dir === 'c2s' && /transport=websocket/.test(e.start_line));
    assert.equal(upgrades.length, 2, 'one WebSocket per page');
    assert.ok(upgrades.every((e) => /sid=\*+ HTTP|EIO=4&transport=websocket HTTP/.test(e.start_line)),
      'a sid in an upgrade request is blanked: ' + upgrades.map((e) => e.start_line).join(' | '));

    // The ids each page's client holds: Socket.IO's socket id and Engine.IO's session id.
    const pageIds = [];
    for (const page of [polling, direct]) {
      pageIds.push(...await page.evaluate(() => [window.__socket.id, window.__socket.io.engine.id]));
    }
    assert.equal(pageIds.filter((id) => typeof id === 'string' && id.length >= 16).length, 4, 'four ids: ' + JSON.stringify(pageIds));
    const text = mirroredText(mirror.events);
    for (const id of pageIds) assert.ok(!text.includes(id), 'an id crossed the mirror in the clear: ' + id);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    mirror.close();
    await relay.stop();
    await app.stop();
  }
});
