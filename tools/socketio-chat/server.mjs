// A Socket.IO chat, the way Socket.IO's own tutorial builds one: a page, and
// every "chat message" passed to everyone else. Nothing is stored. Run it, put
// `wirelab-relay --upstream` in front of it, and watch Engine.IO's polling, its
// upgrade to WebSocket and Socket.IO's packets on screen (README.md here).
//   node server.mjs [--port 3000] [--host 127.0.0.1]
// Prints "socketio-chat: listening on http://HOST:PORT/" once it accepts connections.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Server } from 'socket.io';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const port = Number(arg('--port', '3000'));
const host = arg('--host', '127.0.0.1');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`socketio-chat: --port must be 0-65535, not ${arg('--port')}`);
  process.exit(2);
}

const page = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'index.html'));
const http = createServer((req, res) => {
  if (req.method === 'GET' && (req.url === '/' || req.url.startsWith('/?'))) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': page.length });
    res.end(page);
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found\n');
  }
});
// Bounded like the relay: a message of at most 4 KiB, and a silent client is dropped after 45 s.
const io = new Server(http, { maxHttpBufferSize: 4096, pingInterval: 25000, pingTimeout: 20000 });
io.on('connection', (socket) => {
  socket.on('chat message', (text, ack) => {
    if (typeof text !== 'string' || text.length > 1000) return;
    socket.broadcast.emit('chat message', text);
    if (typeof ack === 'function') ack('delivered');
  });
});
http.listen(port, host, () => {
  const { port: bound } = http.address();
  console.log(`socketio-chat: listening on http://${host}:${bound}/`);
});
const stop = () => io.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
