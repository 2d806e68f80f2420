// What TLS hides (issue 14 part 2): one Chromium page over https/wss with a
// scripts/dev-cert pair (ignoreHTTPSErrors). The mirror carries every TLS
// record of its /chat WebSocket in both directions, the records tile each
// direction's TLS stream, and the application-data records' plaintext ranges
// tile the plaintext the frames fill: Chromium's `find` frame and the
// relay's `welcome` frame are each carried by records that cover them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRelay, subscribeMirror, launchChromium, waitState, b64, unmask, waitFor } from './lib.mjs';

let relay, mirror, browser;
const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelab-e2e-cert-'));

after(async () => {
  if (browser) await browser.close();
  if (mirror) mirror.close();
  if (relay) await relay.stop();
  fs.rmSync(certs, { recursive: true, force: true });
});

const records = (conn, dir) => mirror.events.filter((e) => e.kind === 'tls_record' && e.conn === conn && e.dir === dir);
const frameEnd = (f) => f.offset + b64(f.header).length + f.payload_len;

test('Chromium over wss: TLS records in both directions, linked to the frames they carried', async () => {
  const devCert = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'dev-cert');
  execFileSync(devCert, [certs], { stdio: 'ignore', timeout: 60000 });
  relay = await startRelay(['--tls-cert', path.join(certs, 'cert.pem'), '--tls-key', path.join(certs, 'key.pem')]);
  assert.ok(relay.tls, 'the relay listens on https: ' + relay.stdout);
  mirror = await subscribeMirror(relay.mirrorUrl);
  browser = await launchChromium({ ignoreHTTPSErrors: true });
  const page = await browser.open(relay.base + '/');
  await waitState(page, 'start');
  await page.click('#find');
  await waitState(page, 'waiting');

  const upgrade = await mirror.waitEvent('the wss upgrade', (e) => e.kind === 'http' && e.dir === 'c2s' && e.start_line.startsWith('GET /chat'));
  const conn = upgrade.conn;
  const find = await mirror.waitEvent('the find frame', (e) => e.kind === 'frame' && e.conn === conn && e.dir === 'c2s'
    && e.opcode === 1 && unmask(b64(e.payload), e.mask_key).toString().includes('"find"'));
  const welcome = mirror.events.find((e) => e.kind === 'frame' && e.conn === conn && e.dir === 's2c' && e.opcode === 1);
  assert.ok(welcome, 'the relay\'s welcome frame');
  // The relay's records come after their frame: wait until one covers the welcome's last byte.
  const covers = (f) => records(conn, f.dir).some((r) => r.plain_offset !== null && r.plain_offset + r.plain_len >= frameEnd(f));
  await waitFor('records covering both frames', () => covers(find) && covers(welcome), 10000);

  for (const dir of ['c2s', 's2c']) {
    const rs = records(conn, dir);
    assert.equal(rs[0].offset, 0, dir + ': the first record starts the TLS stream');
    assert.equal(rs[0].content_type, 22, dir + ': a handshake first (ClientHello / ServerHello): ' + JSON.stringify(rs[0]));
    let at = 0, plain = 0;
    for (const r of rs) {
      assert.equal(r.offset, at, dir + ': records tile the TLS stream; at ' + JSON.stringify(r));
      at += 5 * r.count + r.length;
      assert.ok(b64(r.body_head).length <= 16, 'at most 16 body bytes: ' + JSON.stringify(r));
      if (r.plain_offset === null) continue;
      assert.equal(r.plain_offset, plain, dir + ': plaintext ranges tile (BoringSSL pads nothing); at ' + JSON.stringify(r));
      plain += r.plain_len;
    }
  }
  for (const f of [find, welcome]) {
    const carriers = records(conn, f.dir).filter((r) => r.plain_offset !== null && r.plain_offset < frameEnd(f) && f.offset < r.plain_offset + r.plain_len);
    assert.ok(carriers.length > 0, f.dir + ' frame at ' + f.offset + ': no record carried it');
    assert.ok(carriers[0].plain_offset <= f.offset && carriers.at(-1).plain_offset + carriers.at(-1).plain_len >= frameEnd(f),
      f.dir + ' frame [' + f.offset + ', ' + frameEnd(f) + ') not covered by ' + JSON.stringify(carriers));
    for (const r of carriers) assert.equal(r.content_type, 23, 'application_data: ' + JSON.stringify(r));
  }
  assert.deepEqual(browser.errors, [], 'page errors');
});
