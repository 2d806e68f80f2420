// Helpers for wirelab's browser tests (node --test): a relay process on free
// ports, a mirror subscriber (node `ws`), and Debian's Chromium driven by
// playwright-core. Everything on 127.0.0.1; every wait has a timeout.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.join(here, '..', 'node', 'node_modules');
if (!fs.existsSync(path.join(nodeModules, 'playwright-core'))) {
  throw new Error('tests/node/node_modules is missing: run scripts/setup (it runs `npm ci` in tests/node)');
}
const { chromium } = await import(path.join(nodeModules, 'playwright-core', 'index.mjs'));
const { default: WebSocket } = await import(path.join(nodeModules, 'ws', 'wrapper.mjs'));
export { WebSocket };

export const relayBinary = process.env.WIRELAB_RELAY || path.join(here, '..', '..', 'build', 'dev', 'relay', 'wirelab-relay');
// Screenshots and captures go to the build folder (WIRELAB_E2E_OUT), never the source tree.
export const outDir = process.env.WIRELAB_E2E_OUT || fs.mkdtempSync(path.join(os.tmpdir(), 'wirelab-e2e-'));
fs.mkdirSync(outDir, { recursive: true });

export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

// Polls `check` until it returns something truthy; throws `what` after timeoutMs.
export async function waitFor(what, check, timeoutMs = 10000, everyMs = 25) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('timed out after ' + timeoutMs + ' ms waiting for ' + what);
    await sleep(everyMs);
  }
}

// ------------------------------------------------------------------ the relay
// Every relay this process started; none outlives it, whatever a test did.
const running = new Set();
process.on('exit', () => { for (const p of running) p.kill('SIGKILL'); });

// Starts wirelab-relay with --port 0 --mirror-port 0 (plus args) and waits for
// its two "listening" lines (relay/README.md "Process contract").
export async function startRelay(args = [], { timeoutMs = 20000, port = 0 } = {}) {
  if (!fs.existsSync(relayBinary)) throw new Error('no relay binary at ' + relayBinary + ' (set WIRELAB_RELAY)');
  const proc = spawn(relayBinary, ['--port', String(port), '--mirror-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  let exited = null;
  running.add(proc);
  proc.on('exit', (code, signal) => { exited = { code, signal }; running.delete(proc); });
  const relay = {
    proc,
    get stdout() { return out; },
    get stderr() { return err; },
    get exited() { return exited; },
    port: 0, mirrorPort: 0,
    tls: false,   // --tls-cert: the relay said https://
    get base() { return (relay.tls ? 'https' : 'http') + '://127.0.0.1:' + relay.port; },
    get mirrorUrl() { return 'ws://127.0.0.1:' + relay.mirrorPort + '/mirror'; },
    // SIGTERM, then the exit (the relay closes WebSockets with 1001 and answers held polls first).
    async stop(timeout = 10000) {
      if (exited) return exited;
      proc.kill('SIGTERM');
      try { await waitFor('the relay to exit after SIGTERM', () => exited, timeout); }
      catch (e) { proc.kill('SIGKILL'); await waitFor('the relay to die', () => exited, 5000); throw e; }
      return exited;
    },
  };
  await waitFor('the relay to print its listening lines (stdout so far: ' + JSON.stringify(out) + ')', () => {
    if (exited) throw new Error('the relay exited early: ' + JSON.stringify(exited) + '\nstderr:\n' + err);
    const a = /wirelab-relay: listening on https?:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    const m = /wirelab-relay: mirror on ws:\/\/127\.0\.0\.1:(\d+)\/mirror/.exec(out);
    if (a && m) {
      relay.port = Number(a[1]);
      relay.mirrorPort = Number(m[1]);
      relay.tls = /listening on https:/.test(out);
      return true;
    }
    return false;
  }, timeoutMs);
  return relay;
}

// ------------------------------------------------------------------ a Socket.IO app
// tools/socketio-chat on a free port; resolves to { port, stop() }.
export async function startSocketIoChat() {
  const server = path.join(here, '..', '..', 'tools', 'socketio-chat', 'server.mjs');
  const proc = spawn(process.execPath, [server, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', exited = null;
  running.add(proc);
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  proc.on('exit', (code, signal) => { exited = { code, signal }; running.delete(proc); });
  let port = 0;
  await waitFor('socketio-chat to listen (output so far: ' + JSON.stringify(out) + ')', () => {
    if (exited) throw new Error('socketio-chat exited: ' + JSON.stringify(exited) + '\n' + out);
    const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
    if (m) port = Number(m[1]);
    return port !== 0;
  }, 15000);
  return {
    port,
    async stop() {
      if (!exited) proc.kill('SIGTERM');
      await waitFor('socketio-chat to exit', () => exited, 10000);
    },
  };
}

// ------------------------------------------------------------------ the mirror
// A subscriber keeping every event; waitEvent() finds one matching a predicate.
export async function subscribeMirror(url, { timeoutMs = 10000 } = {}) {
  const ws = new WebSocket(url);
  const events = [];
  ws.on('message', (data) => {
    try { events.push(JSON.parse(data.toString('utf8'))); } catch { events.push({ kind: 'unparsable', text: String(data) }); }
  });
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('mirror did not open within ' + timeoutMs + ' ms')), timeoutMs);
    ws.once('open', () => { clearTimeout(t); resolve(); });
    ws.once('error', (e) => { clearTimeout(t); reject(e); });
  });
  await waitFor('the mirror hello', () => events.some((e) => e.kind === 'hello'), timeoutMs);
  return {
    events,
    close() { ws.close(); },
    waitEvent(what, pred, timeout = 10000) { return waitFor(what, () => events.find(pred), timeout); },
    waitCount(what, pred, n, timeout = 10000) {
      return waitFor(what, () => { const l = events.filter(pred); return l.length >= n ? l : null; }, timeout);
    },
  };
}

export const b64 = (s) => Buffer.from(s, 'base64');
export function unmask(payload, maskKeyHex) {
  if (!maskKeyHex) return payload;
  const key = Buffer.from(maskKeyHex, 'hex');
  return Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
}
// RFC 6455 4.2.2: base64(SHA-1(key + GUID)).
export function acceptFor(key) {
  return crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
}
export function header(ev, name) {
  const h = (ev.headers || []).find(([n]) => n.toLowerCase() === name.toLowerCase());
  return h ? h[1] : undefined;
}

// ------------------------------------------------------------------ Chromium
// Debian's /usr/bin/chromium with a fresh profile (never `npx playwright install`).
// ignoreHTTPSErrors: accept scripts/dev-cert's self-signed certificate (https, wss).
export async function launchChromium({ ignoreHTTPSErrors = false } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wirelab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', ...(ignoreHTTPSErrors ? ['--ignore-certificate-errors'] : [])],
    viewport: { width: 1280, height: 800 },
    ignoreHTTPSErrors,
  });
  context.setDefaultTimeout(15000);
  const errors = [];
  return {
    context,
    errors,
    // A page at url with a viewport; page errors are collected (a test checks errors is empty).
    async open(url, viewport = { width: 1280, height: 800 }) {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function shot(page, name) {
  const file = path.join(outDir, name + '.png');
  await page.screenshot({ path: file });
  return file;
}

// The page's own view of itself (window.wirelab, app.js).
export const pageState = (page) => page.evaluate(() => document.body.dataset.state);
export async function waitState(page, state, timeout = 15000) {
  await page.waitForSelector('body[data-state="' + state + '"]', { timeout });
}
export async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}
export async function waitTheirs(page, text, timeout = 10000) {
  await page.waitForFunction((t) => [...document.querySelectorAll('#log li.theirs .body')].some((e) => e.textContent === t),
    text, { timeout });
}
