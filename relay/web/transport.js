'use strict';
// wirelab's two transports behind one small interface, and the byte meter.
//
//   const t = new WsTransport({url, meter}) or new PollTransport({meter});
//   t.onopen = () => ...;  t.onmessage = (obj) => ...;  t.onclose = ({opened, code, reason, why}) => ...;
//   t.start();  t.send({type: 'find'});  t.close();
//
// WebSocket: one frame per chat message. Long-polling: POST /poll/open, POST /poll/send,
// GET /poll/recv held up to 25 s (relay/README.md "Endpoints"). Both deliver the same relay messages, one object each.
//
// The meter counts what this page can know, and says how it knows it (exact / computed / estimated):
// a page cannot read the headers its browser adds, nor see WebSocket frames, pings or compression.
(function () {
  const encoder = new TextEncoder();
  const utf8Len = (s) => encoder.encode(s).length;
  const CRLF = 2;

  // One counter per direction and kind; onchange after every update.
  class Meter {
    constructor() {
      this.sent = { exact: 0, computed: 0, estimated: 0 };
      this.received = { exact: 0, computed: 0, estimated: 0 };
      this.requests = 0;       // HTTP requests this page's script made (WebSocket handshakes included)
      this.onchange = null;
    }
    add(dir, kind, n) {
      this[dir][kind] += n;
      if (this.onchange) this.onchange();
    }
    request() {
      this.requests += 1;
      if (this.onchange) this.onchange();
    }
    total(dir) {
      const d = this[dir];
      return d.exact + d.computed + d.estimated;
    }
  }

  // RFC 6455 5.2: 2 header bytes, +2 for a 16-bit length (126..65535), +8 for a 64-bit length;
  // 5.3: +4 for the masking key on every client frame.
  function frameHeaderLen(payloadLen, masked) {
    const base = payloadLen < 126 ? 2 : payloadLen < 65536 ? 4 : 10;
    return base + (masked ? 4 : 0);
  }

  // Accept-Language as Chromium writes it from navigator.languages: "en-US,en;q=0.9".
  function acceptLanguage() {
    const langs = navigator.languages && navigator.languages.length ? navigator.languages : ['en-US'];
    return langs.map((l, i) => (i === 0 ? l : l + ';q=' + Math.max(0.1, 1 - i / 10).toFixed(1))).join(',');
  }
  // Client hints (sec-ch-ua...) from navigator.userAgentData, where the browser has it.
  function clientHints() {
    const d = navigator.userAgentData;
    if (!d) return [];
    return [
      'sec-ch-ua: ' + d.brands.map((b) => '"' + b.brand + '";v="' + b.version + '"').join(', '),
      'sec-ch-ua-mobile: ?' + (d.mobile ? 1 : 0),
      'sec-ch-ua-platform: "' + d.platform + '"',
    ];
  }
  const headerBytes = (lines) => lines.reduce((n, l) => n + utf8Len(l) + CRLF, 0);

  // Headers Chromium adds to a same-origin fetch() that a page cannot read: an honest guess
  // from what the page knows (its User-Agent, client hints, origin, address, languages).
  function fetchHeaderGuess(withOrigin) {
    const lines = [
      'Connection: keep-alive', 'Pragma: no-cache', 'Cache-Control: no-cache',   // cache: 'no-store'
      'User-Agent: ' + navigator.userAgent, ...clientHints(), 'Accept: */*',
      'Sec-Fetch-Site: same-origin', 'Sec-Fetch-Mode: cors', 'Sec-Fetch-Dest: empty',
      'Referer: ' + location.href, 'Accept-Encoding: gzip, deflate, br, zstd', 'Accept-Language: ' + acceptLanguage(),
    ];
    if (withOrigin) lines.push('Origin: ' + location.origin);
    return headerBytes(lines);
  }
  // The rest of Chromium's upgrade request (RFC 6455 4.1): no client hints, no Sec-Fetch-*.
  function upgradeHeaderGuess() {
    return headerBytes([
      'Connection: Upgrade', 'Pragma: no-cache', 'Cache-Control: no-cache', 'User-Agent: ' + navigator.userAgent,
      'Upgrade: websocket', 'Origin: ' + location.origin, 'Sec-WebSocket-Version: 13',
      'Accept-Encoding: gzip, deflate, br, zstd', 'Accept-Language: ' + acceptLanguage(),
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',   // 24 characters, whatever the key
      'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits',
    ]);
  }

  // ---------------------------------------------------------------- WebSocket
  class WsTransport {
    constructor({ url, meter, openTimeoutMs = 6000 }) {
      this.url = url;
      this.meter = meter;
      this.openTimeoutMs = openTimeoutMs;
      this.ws = null;
      this.opened = false;
      this.closedByUs = false;
      this.done = false;
      this.onopen = null; this.onmessage = null; this.onclose = null;
    }

    start() {
      this.meter.request();
      // The handshake request: its request line and Host are known, the rest is Chromium's (4.1).
      const u = new URL(this.url);
      const known = utf8Len('GET ' + u.pathname + u.search + ' HTTP/1.1') + CRLF + utf8Len('Host: ' + u.host) + CRLF + CRLF;
      const guessed = upgradeHeaderGuess();
      this.meter.add('sent', 'exact', known);
      this.meter.add('sent', 'estimated', guessed);
      let ws;
      try {
        ws = new WebSocket(this.url);
      } catch (e) {
        setTimeout(() => this.finish({ code: 0, reason: String(e), why: 'refused' }), 0);
        return;
      }
      this.ws = ws;
      this.openTimer = setTimeout(() => {
        if (!this.opened) { try { ws.close(); } catch (e) { /* already closing */ } this.finish({ code: 0, reason: '', why: 'timeout' }); }
      }, this.openTimeoutMs);
      ws.onopen = () => {
        this.opened = true;
        clearTimeout(this.openTimer);
        // The 101 (4.2.2): status line, Upgrade, Connection, Sec-WebSocket-Accept (28 base64 chars), extensions.
        let answer = utf8Len('HTTP/1.1 101 Switching Protocols') + utf8Len('Upgrade: websocket') + utf8Len('Connection: Upgrade') +
          utf8Len('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=') + 5 * CRLF;
        if (ws.extensions) answer += utf8Len('Sec-WebSocket-Extensions: ' + ws.extensions) + CRLF;
        if (ws.protocol) answer += utf8Len('Sec-WebSocket-Protocol: ' + ws.protocol) + CRLF;
        this.meter.add('received', 'estimated', answer);
        if (this.onopen) this.onopen();
      };
      ws.onmessage = (ev) => {
        if (typeof ev.data !== 'string') return;   // the chat speaks text frames only
        this.countFrame('received', utf8Len(ev.data), false);
        let obj;
        try { obj = JSON.parse(ev.data); } catch (e) { return; }
        if (this.onmessage) this.onmessage(obj);
      };
      ws.onclose = (ev) => {
        // 7.1.5: the close frame's code; 1006 means the connection went without one.
        if (this.opened && ev.code !== 1006) this.countFrame('received', ev.reason ? 2 + utf8Len(ev.reason) : 2, false);
        this.finish({ code: ev.code, reason: ev.reason, why: this.opened ? 'closed' : 'refused' });
      };
      ws.onerror = () => { /* onclose follows with the details */ };
    }

    // With permessage-deflate negotiated the payload on the wire is smaller: then it is an estimate.
    countFrame(dir, payloadLen, masked) {
      const kind = this.ws && this.ws.extensions ? 'estimated' : 'computed';
      this.meter.add(dir, kind, frameHeaderLen(payloadLen, masked) + payloadLen);
    }

    send(obj) {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
      const text = JSON.stringify(obj);
      this.ws.send(text);
      this.countFrame('sent', utf8Len(text), true);
      return true;
    }

    close() {
      this.closedByUs = true;
      if (this.ws && this.ws.readyState === WebSocket.OPEN) {
        this.ws.close(1000, '');
        this.countFrame('sent', 2, true);
      } else if (this.ws) {
        try { this.ws.close(); } catch (e) { /* not open yet */ }
      }
      this.finish({ code: 1000, reason: '', why: 'ours' });
    }

    finish(info) {
      if (this.done) return;
      this.done = true;
      clearTimeout(this.openTimer);
      if (this.ws) { this.ws.onopen = this.ws.onmessage = this.ws.onclose = this.ws.onerror = null; }
      if (this.onclose) this.onclose(Object.assign({ opened: this.opened, byUs: this.closedByUs }, info));
    }
  }

  // ---------------------------------------------------------------- long-polling
  class PollTransport {
    constructor({ meter }) {
      this.meter = meter;
      this.session = '';
      this.opened = false;
      this.done = false;
      this.closedByUs = false;
      this.outbox = [];          // sent one at a time, in order
      this.sending = false;
      this.abort = new AbortController();
      this.onopen = null; this.onmessage = null; this.onclose = null;
    }

    // One HTTP request, counted: request line + Host + our headers + body exactly, the browser's
    // own headers estimated; the response's status line, readable headers and body exactly.
    async request(method, path, body) {
      this.meter.request();
      const headers = {};
      let sent = utf8Len(method + ' ' + path + ' HTTP/1.1') + CRLF + utf8Len('Host: ' + location.host) + CRLF + CRLF;
      if (method === 'POST') {
        headers['Content-Type'] = 'application/json';
        const bodyLen = body ? utf8Len(body) : 0;
        sent += utf8Len('Content-Type: application/json') + CRLF + utf8Len('Content-Length: ' + bodyLen) + CRLF + bodyLen;
      }
      this.meter.add('sent', 'exact', sent);
      this.meter.add('sent', 'estimated', fetchHeaderGuess(method === 'POST'));
      const res = await fetch(path, { method, headers, body: body || undefined, cache: 'no-store', signal: this.abort.signal });
      const buf = await res.arrayBuffer();
      let head = utf8Len('HTTP/1.1 ' + res.status + ' ' + res.statusText) + CRLF + CRLF;
      res.headers.forEach((value, name) => { head += utf8Len(name + ': ' + value) + CRLF; });
      this.meter.add('received', 'exact', head + buf.byteLength);
      return { status: res.status, text: new TextDecoder().decode(buf) };
    }

    async start() {
      try {
        const r = await this.request('POST', '/poll/open', '');
        if (r.status !== 200) return this.finish({ code: r.status, reason: 'open answered ' + r.status, why: 'refused' });
        this.session = JSON.parse(r.text).session;
        if (!/^[0-9a-f]{32}$/.test(this.session || '')) return this.finish({ code: 0, reason: 'bad session', why: 'refused' });
      } catch (e) {
        return this.finish({ code: 0, reason: String(e), why: 'refused' });
      }
      this.opened = true;
      if (this.onopen) this.onopen();
      this.recvLoop();
      this.flush();
    }

    async recvLoop() {
      while (!this.done) {
        let r;
        try {
          r = await this.request('GET', '/poll/recv?session=' + this.session);
        } catch (e) {
          return this.finish({ code: 0, reason: String(e), why: 'closed' });
        }
        if (this.done) return;
        if (r.status === 204) continue;          // 25 s passed without a message
        if (r.status !== 200) return this.finish({ code: r.status, reason: 'recv answered ' + r.status, why: 'closed' });
        let list;
        try { list = JSON.parse(r.text); } catch (e) { list = []; }
        for (const obj of Array.isArray(list) ? list : []) {
          if (this.done) return;
          if (this.onmessage) this.onmessage(obj);
        }
      }
    }

    send(obj) {
      if (this.done) return false;
      this.outbox.push(JSON.stringify(obj));
      if (this.opened) this.flush();
      return true;
    }

    async flush() {
      if (this.sending) return;
      this.sending = true;
      while (this.outbox.length && !this.done) {
        const body = this.outbox.shift();
        try {
          const r = await this.request('POST', '/poll/send?session=' + this.session, body);
          if (r.status !== 204 && r.status !== 200) { this.sending = false; return this.finish({ code: r.status, reason: 'send answered ' + r.status, why: 'closed' }); }
        } catch (e) {
          this.sending = false;
          return this.finish({ code: 0, reason: String(e), why: 'closed' });
        }
      }
      this.sending = false;
    }

    // The page is going away: tell the relay we leave, so the stranger hears it now, not in 60 s.
    goodbye() {
      if (!this.session || this.done || !navigator.sendBeacon) return;
      const body = JSON.stringify({ type: 'leave' });
      if (navigator.sendBeacon('/poll/send?session=' + this.session, body)) this.meter.request();
    }

    // There is no close in the long-poll contract: stop polling; the relay ends the session after 60 s.
    close() {
      this.closedByUs = true;
      this.finish({ code: 1000, reason: '', why: 'ours' });
    }

    finish(info) {
      if (this.done) return;
      this.done = true;
      this.abort.abort();
      if (this.onclose) this.onclose(Object.assign({ opened: this.opened, byUs: this.closedByUs }, info));
    }
  }

  window.wirelabTransport = { Meter, WsTransport, PollTransport, frameHeaderLen };
})();
