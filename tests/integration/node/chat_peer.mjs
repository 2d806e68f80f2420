// A chat stranger on node's `ws` package, driven by the python integration tests.
// stdin: one JSON client message per line (sent as a text message).
// stdout: {"_event":"open"}, then every relay message as a line, then {"_event":"close","code":N}.
// Usage: NODE_PATH=tests/node/node_modules node chat_peer.mjs ws://127.0.0.1:PORT/chat
import { createRequire } from 'node:module';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');   // resolved through NODE_PATH

const ws = new WebSocket(process.argv[2]);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

ws.on('open', () => {
  out({ _event: 'open' });
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => ws.send(line));
  lines.on('close', () => ws.close(1000));
});
ws.on('message', (data, isBinary) => {
  if (isBinary) { out({ _event: 'binary' }); return; }
  process.stdout.write(data.toString('utf8') + '\n');
});
ws.on('close', (code) => { out({ _event: 'close', code }); process.exit(0); });
ws.on('error', (err) => { process.stderr.write(`node peer: ${err.message}\n`); });
