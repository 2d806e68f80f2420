// "Find my frame" (issue 16): two Chromium pages chat in a room while the
// relay's demo runs. The page says "You are Stranger 4cba · connection #12";
// a visualizer started afterwards and told to follow that stranger
// (--follow 4cba) shows only that stranger's units in the Conversation lanes
// and that connection's handshake in the Upgrade scene. The demo's strangers
// are marked as bots, keep their labels, and pause while the humans chat.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startRelay, subscribeMirror, launchChromium, waitState, say, waitTheirs, waitFor, outDir } from './lib.mjs';

const visualizer = process.env.WIRELAB_VISUALIZER;
let relay, mirror, browser;

after(async () => {
  if (browser) await browser.close();
  if (mirror) mirror.close();
  if (relay) await relay.stop();
});

// The visualizer under Xvfb; resolves with its exit code and output.
function runVisualizer(args, timeoutMs = 120000) {
  const env = { ...process.env, ASAN_OPTIONS: ((process.env.ASAN_OPTIONS || '') + ':detect_leaks=0').replace(/^:/, '') };
  const proc = spawn('xvfb-run', ['-a', '-s', '-screen 0 1920x1080x24', visualizer, ...args], { env });
  let out = '', err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}
function viewOf(run) {
  const line = run.out.split('\n').find((l) => l.startsWith('view '));
  assert.ok(line, 'the visualizer printed its view (--print-view); stdout:\n' + run.out + '\nstderr:\n' + run.err);
  return JSON.parse(line.slice(5));
}
async function metric(name) {
  const text = await (await fetch(relay.base + '/metrics')).text();
  const m = new RegExp('^' + name + ' (\\d+)$', 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

test('following one page\'s stranger shows only their frames and their handshake', { skip: !visualizer }, async () => {
  relay = await startRelay(['--demo', '--demo-wait', '0']);
  mirror = await subscribeMirror(relay.mirrorUrl);
  const botSaid = await mirror.waitEvent('the demo strangers chatting', (e) => e.kind === 'chat' && e.event === 'said', 30000);
  assert.equal(botSaid.bot, true, 'a demo stranger\'s chat event says bot: ' + JSON.stringify(botSaid));

  browser = await launchChromium();
  const pages = [];
  for (let i = 0; i < 2; i++) {
    const p = await browser.open(relay.base + '/?room=f15');
    await waitState(p, 'start');
    await p.click('#find');
    await waitState(p, 'room');
    pages.push(p);
  }
  const [a, b] = pages;
  const you = await a.textContent('#you');
  const m = /^You are Stranger ([0-9a-f]{4}) · connection #(\d+)$/.exec(you);
  assert.ok(m, 'the page names its stranger and connection: "' + you + '"');
  const [, hex, connText] = m;
  const conn = Number(connText);
  const who = 'Stranger ' + hex;
  await waitFor('the relay to say the demo waits for the humans', () => /humans are chatting/.test(relay.stderr), 15000);

  // The visualizer joins late, follows A, and waits for A's next message.
  const png = path.join(outDir, 'follow-conversation.png');
  const capture = path.join(outDir, 'follow-model.jsonl');
  const subscribers = await metric('wirelab_mirror_subscribers');
  const conversation = runVisualizer(['--connect', relay.mirrorUrl, '--follow', hex, '--wait-for', 'said', '--timeout', '90',
    '--screenshot', png, '--scene', 'conversation', '--frames', '30', '--print-view', '--save-capture', capture]);
  await waitFor('the visualizer to subscribe', async () => (await metric('wirelab_mirror_subscribers')) > subscribers, 60000);
  await say(b, 'B speaks first');
  await waitTheirs(a, 'B speaks first');
  await say(a, 'hello from page A');
  await waitTheirs(b, 'hello from page A');
  const run = await conversation;
  assert.equal(run.code, 0, 'visualizer exit; stderr:\n' + run.err);
  const view = viewOf(run);
  assert.equal(view.follow, who);
  assert.equal(view.lane_a, who, 'the followed stranger has the left lane');
  assert.deepEqual(view.conns_b, [], 'nobody else\'s connection is drawn');

  const events = new Map(fs.readFileSync(capture, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((e) => [e.seq, e]));
  assert.ok(view.rows.length > 0, 'the lanes show something');
  const foreign = view.rows.map((s) => events.get(s)).filter((e) => !e || (e.kind === 'chat' ? e.who !== who : e.conn !== conn));
  assert.deepEqual(foreign, [], 'every row is ' + who + '\'s (connection #' + conn + ')');
  const frames = view.rows.map((s) => events.get(s)).filter((e) => e.kind === 'frame');
  assert.ok(frames.some((e) => e.dir === 'c2s' && e.masked), 'A\'s own masked frame is there: ' + JSON.stringify(frames));
  assert.ok(view.rows.some((s) => events.get(s).kind === 'http' && events.get(s).start_line.startsWith('GET /')),
    'A\'s handshake is among A\'s rows (it came in the late hello)');

  // The Upgrade scene, following A, shows A's connection.
  const upgrade = await runVisualizer(['--connect', relay.mirrorUrl, '--follow', hex, '--after-seconds', '0.5',
    '--screenshot', path.join(outDir, 'follow-upgrade.png'), '--scene', 'upgrade', '--frames', '10', '--print-view']);
  assert.equal(upgrade.code, 0, 'visualizer exit; stderr:\n' + upgrade.err);
  assert.equal(viewOf(upgrade).conn, conn, 'the Upgrade scene shows the followed stranger\'s handshake');

  // The bots kept their labels and are marked; the humans are not.
  const botLabels = new Set(mirror.events.filter((e) => e.kind === 'chat' && e.bot).map((e) => e.who));
  assert.ok(botLabels.size <= 2, 'two bots, one label each for the run: ' + [...botLabels].join(', '));
  assert.ok(!mirror.events.some((e) => e.kind === 'chat' && e.bot && e.who === who), 'a page is never a bot');
  for (const p of pages) await p.close();
});
