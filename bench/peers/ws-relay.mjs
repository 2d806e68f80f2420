// A chat relay on node `ws`, as a user would write it: the chat of relay/README.md on
// ws://BIND:PORT/chat, one JSON text per WebSocket text message (chat.mjs holds the chat).
// Prints `ws-relay: listening on http://BIND:PORT` on stdout, like wirelab-relay.
// Usage: node ws-relay.mjs [--port 0] [--chat-rate 10] [--chat-burst 20] [--max-conns N] ...
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { Chat, exitOnSignal, serverOptions } from './chat.mjs';

const o = serverOptions(process.argv.slice(2));
const chat = new Chat({ maxTextBytes: o.chatMaxText, ratePerS: o.chatRate, burst: o.chatBurst });
// A client that does not read: past 256 of the largest messages unsent, more are dropped and counted
// (wirelab-relay keeps 256 messages per participant).
const maxBuffered = 256 * o.chatMaxMessage;
let dropped = 0;

const server = http.createServer((req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, path: '/chat', maxPayload: o.chatMaxMessage });

wss.on('connection', (ws) => {
  if (wss.clients.size > o.maxConns) return ws.close(1013, 'too many connections');
  ws.alive = true;
  ws.on('pong', () => { ws.alive = true; });
  const p = chat.connect((msg) => {
    if (ws.bufferedAmount > maxBuffered) return void ++dropped;
    ws.send(JSON.stringify(msg));
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) return ws.close(1003, 'chat messages are text');
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return chat.refuse(p, 'bad_message', 'not valid JSON: send one JSON object such as {"type":"find"}');
    }
    return chat.receive(p, msg);
  });
  ws.on('close', () => chat.disconnect(p));
  ws.on('error', () => {});   // a broken client is closed by ws; the others carry on
  return undefined;
});

// Keepalive, as ws's README shows it (and wirelab-relay's --ping-secs 30): a ping every 30 s,
// hang up on a client that did not answer the one before.
const keepalive = setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.alive) ws.terminate();
    ws.alive = false;
    ws.ping();
  }
}, 30000);

server.listen(o.port, o.bind, () => {
  console.log(`ws-relay: listening on http://${o.bind}:${server.address().port}`);
});
exitOnSignal('ws-relay', () => {
  clearInterval(keepalive);
  for (const ws of wss.clients) ws.close(1001, 'going away');
  wss.close();
  server.close();
}, () => ({ ...chat.counters, dropped }));
