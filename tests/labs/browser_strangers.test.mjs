// labs.06.browser: lab 6's reference server (wirelab_lab06_strangers: the student's kind of server, not the
// relay) serves the browser client (relay/web) and two Chromium pages chat through it: pair, say both ways,
// typing, and "has left" after a leave. Debian's chromium through playwright-core (tests/node), like tests/e2e.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, waitState, say, waitTheirs } from '../e2e/lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.WIRELAB_LAB06_STRANGERS;
const web = path.join(here, '..', '..', 'relay', 'web');
let server = null;
let browser = null;

// Starts the server on a free port and waits (10 s at most) for "chat: listening on http://127.0.0.1:PORT/".
function start() {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['0', web], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error('no "listening" line in 10 s; stderr: ' + err)), 10000);
    proc.stderr.on('data', (d) => { err += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1], get stderr() { return err; } });
      }
    });
    proc.on('exit', (code) => reject(new Error('the server exited with ' + code + ': ' + err)));
  });
}

after(async () => {
  if (browser) await browser.close();
  if (server) server.proc.kill('SIGKILL');
  assert.deepEqual(browser ? browser.errors : [], [], 'no JavaScript errors on any page');
});

test('two pages of the browser client pair, chat, see typing and "has left" through the lab 6 server', async () => {
  assert.ok(binary, 'set WIRELAB_LAB06_STRANGERS to the wirelab_lab06_strangers program');
  server = await start();
  browser = await launchChromium();
  const a = await browser.open(server.base + '/');
  const b = await browser.open(server.base + '/');
  await waitState(a, 'start');
  await waitState(b, 'start');
  assert.match(await a.textContent('#you'), /^You are Stranger [0-9a-f]{4}$/);
  await a.click('#find');
  await waitState(a, 'waiting');
  await b.click('#find');
  await waitState(a, 'paired');
  await waitState(b, 'paired');
  await say(a, 'hello from A through your server');
  await waitTheirs(b, 'hello from A through your server');
  await b.type('#text', 'typing…');
  await a.waitForSelector('#typing:text("Stranger is typing…")', { timeout: 10000 });
  await b.fill('#text', '');
  await say(b, 'hi A ✓ ünïcödé');
  await waitTheirs(a, 'hi A ✓ ünïcödé');
  await b.click('#leave');
  await waitState(a, 'ended');
  assert.match(await a.textContent('#log'), /Stranger has left\./);
  await a.close();
  await b.close();
});
