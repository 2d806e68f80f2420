// A chat relay on Socket.IO 4.8, as a user would write it: the chat of relay/README.md, each
// JSON message one Socket.IO event named "chat" whose one argument is the message object
// (on the wire: 42["chat",{"type":"said",...}]). Path /socket.io/ (Socket.IO's default).
// Prints `socketio-relay: listening on http://BIND:PORT` on stdout, like wirelab-relay.
// Usage: node socketio-relay.mjs [--port 0] [--chat-rate 10] [--chat-burst 20] [--max-conns N] ...
import http from 'node:http';
import { Server } from 'socket.io';
import { Chat, exitOnSignal, serverOptions } from './chat.mjs';

const o = serverOptions(process.argv.slice(2));
const chat = new Chat({ maxTextBytes: o.chatMaxText, ratePerS: o.chatRate, burst: o.chatBurst });
// A client that does not read: past 256 packets waiting in engine.io's write buffer, more are
// dropped and counted (wirelab-relay keeps 256 messages per participant).
const maxQueued = 256;
let dropped = 0;

const server = http.createServer();
// Socket.IO's defaults otherwise (pings every 25 s, long-polling allowed, no compression).
const io = new Server(server, { serveClient: false, maxHttpBufferSize: o.chatMaxMessage });

io.on('connection', (socket) => {
  if (io.engine.clientsCount > o.maxConns) return void socket.disconnect(true);
  const p = chat.connect((msg) => {
    if (socket.conn.writeBuffer.length >= maxQueued) return void ++dropped;
    socket.emit('chat', msg);
  });
  socket.on('chat', (msg) => chat.receive(p, msg));
  socket.on('disconnect', () => chat.disconnect(p));
  return undefined;
});

server.listen(o.port, o.bind, () => {
  console.log(`socketio-relay: listening on http://${o.bind}:${server.address().port}`);
});
exitOnSignal('socketio-relay', () => io.close(), () => ({ ...chat.counters, dropped }));
