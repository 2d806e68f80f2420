// An echo server on node's `ws` package, for the tests of `wirelab-relay --upstream`.
// Listens on 127.0.0.1, a free port; prints {"port":N} on stdout, then echoes every message.
// Usage: NODE_PATH=tests/node/node_modules node echo_server.mjs
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { WebSocketServer } = require('ws');   // resolved through NODE_PATH

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('listening', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
process.stdin.on('end', () => process.exit(0));   // the test's end closes our stdin
process.stdin.resume();
