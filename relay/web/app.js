'use strict';
// wirelab's "Talk to a stranger" page: the chat state machine and the screen.
//
// URL parameters: ?transport=ws|poll (default ws), ?room=cs101 (join a room instead of finding a
// stranger), ?wspath=/chat (the WebSocket path; a path that refuses the upgrade shows the fallback).
//
// Two explicit state machines, each shown on <body> for CSS and tests:
//   data-state: connecting -> start -> waiting -> paired -> ended -> waiting ...   (or start -> room)
//   data-link:  connecting -> open -> reconnecting -> connecting -> open ...
// Messages follow the chat contract (relay/README.md "Chat messages"); the same handler serves both transports.
(function () {
  const { Meter, WsTransport, PollTransport } = window.wirelabTransport;
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------------ settings from the URL
  const params = new URLSearchParams(location.search);
  const roomParam = params.get('room') || '';
  const room = /^[a-z0-9_-]{1,32}$/.test(roomParam) ? roomParam : '';
  const wsPathParam = params.get('wspath') || '/chat';
  const wsPath = /^\/[A-Za-z0-9/_.-]{0,64}$/.test(wsPathParam) ? wsPathParam : '/chat';
  const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + wsPath;

  // ------------------------------------------------------------------ state
  const app = {
    state: 'connecting',     // connecting | start | waiting | paired | room | ended
    link: 'connecting',      // connecting | open | reconnecting
    kind: params.get('transport') === 'poll' ? 'poll' : 'ws',
    fellBack: false,         // WebSocket failed before opening; now long-polling
    wsEverOpened: false,
    wsFailures: 0,
    attempt: 0,              // reconnect attempts since the last open
    me: '',
    peer: '',
    members: 0,
    limits: {},
    intent: 'none',          // what to resume after a reconnect: none | find | room
    transport: null,
    typingOn: false,
    typingTimer: 0,
    peerTyping: new Map(),   // who -> timer
    lastMine: null,          // the last message this page sent, to mark it if the relay refuses it
  };
  const meter = new Meter();

  // ------------------------------------------------------------------ the screen
  function setState(s) {
    app.state = s;
    document.body.dataset.state = s;
    hideConfirm(false);
    const chatting = s === 'paired' || s === 'room';
    $('text').disabled = !chatting;
    $('send').disabled = !chatting;
    if (s === 'room') $('chat-title').textContent = 'Room ' + room;
    else if (s === 'paired') $('chat-title').textContent = 'Chatting with ' + (app.peer || 'a stranger');
    else if (s === 'ended') $('chat-title').textContent = app.peer ? 'Your chat with ' + app.peer + ' ended' : 'Chat ended';
    $('members').hidden = s !== 'room';
    if (s !== 'paired' && s !== 'room') clearTyping();
  }

  function setLink(l, text) {
    app.link = l;
    document.body.dataset.link = l;
    document.body.dataset.transport = app.kind;
    const name = app.kind === 'ws' ? 'WebSocket' : 'Long-polling';
    $('link-text').textContent = text || (l === 'open' ? name + (app.fellBack ? ' (fallback)' : '') : 'Connecting…');
  }

  function notice(text, tone) {
    const n = $('notice');
    n.textContent = text;
    n.dataset.tone = tone || 'info';
    n.hidden = !text;
  }

  function addLine(kind, text, from) {
    const li = document.createElement('li');
    li.className = 'msg ' + kind;
    if (from && kind === 'theirs' && app.state === 'room') {
      const who = document.createElement('span');
      who.className = 'from';
      who.textContent = from;
      li.appendChild(who);
    }
    const body = document.createElement('span');
    body.className = 'body';
    body.textContent = text;
    li.appendChild(body);
    const log = $('log');
    log.appendChild(li);
    while (log.children.length > 500) log.removeChild(log.firstChild);   // bounded, like everything here
    if (stickToBottom || kind === 'mine') { log.scrollTop = log.scrollHeight; stickToBottom = true; }
    return li;
  }
  // Follow new messages only while the reader is at the bottom (scrolling up to reread stops it).
  let stickToBottom = true;
  $('log').addEventListener('scroll', () => {
    const log = $('log');
    stickToBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  });
  new ResizeObserver(() => { if (stickToBottom) $('log').scrollTop = $('log').scrollHeight; }).observe($('log'));
  const system = (text) => addLine('system', text);

  function updateMembers() {
    $('members').textContent = app.members === 1 ? '1 member' : app.members + ' members';
  }

  // ------------------------------------------------------------------ typing indicators
  function showTyping() {
    const who = [...app.peerTyping.keys()];
    let text = '';
    if (app.state === 'paired' && who.length) text = 'Stranger is typing…';
    else if (who.length === 1) text = who[0] + ' is typing…';
    else if (who.length > 1) text = who.length + ' strangers are typing…';
    $('typing').textContent = text;
  }
  function peerTyping(who, on) {
    clearTimeout(app.peerTyping.get(who));
    app.peerTyping.delete(who);
    if (on) app.peerTyping.set(who, setTimeout(() => peerTyping(who, false), 6000));   // a lost "off" ends in 6 s
    showTyping();
  }
  function clearTyping() {
    for (const t of app.peerTyping.values()) clearTimeout(t);
    app.peerTyping.clear();
    showTyping();
  }
  function myTyping(on) {
    clearTimeout(app.typingTimer);
    if (on) app.typingTimer = setTimeout(() => myTyping(false), 3000);
    if (on === app.typingOn) return;
    app.typingOn = on;
    send({ type: 'typing', on });
  }

  // ------------------------------------------------------------------ relay messages
  const kindErrors = {
    rate_limited: () => 'Whoa, that was fast! The relay takes about ' + (app.limits.rate_per_s || 10) +
      ' messages a second. Wait a moment, then try again.',
    too_long: () => 'That message is too long for the relay' +
      (app.limits.max_text_bytes ? ' (up to ' + app.limits.max_text_bytes + ' bytes)' : '') + '. Try splitting it up.',
    bad_message: () => 'The relay did not understand that message.',
    not_paired: () => "You're not talking to anyone right now. Find a stranger first.",
  };

  function onMessage(m) {
    if (!m || typeof m.type !== 'string') return;
    switch (m.type) {
      case 'welcome':
        app.me = String(m.you || '');
        app.limits = m.limits && typeof m.limits === 'object' ? m.limits : {};
        // "Find my frame": the projector can follow this stranger (G then the 4 hex digits)
        // and find this connection's frames; `conn` is optional (other servers may not send it).
        $('you').textContent = 'You are ' + app.me +
          (Number.isInteger(m.conn) && m.conn > 0 ? ' \u00b7 connection #' + m.conn : '');
        resume();
        break;
      case 'waiting':
        setState('waiting');
        break;
      case 'paired':
        app.peer = String(m.peer || 'a stranger');
        $('log').textContent = '';
        setState('paired');
        system("You're now chatting with " + app.peer + '. Say hi!');
        notice('');
        $('text').focus();
        break;
      case 'joined':
        if (typeof m.members === 'number') app.members = m.members;
        if (app.state !== 'room') {
          $('log').textContent = '';
          setState('room');
          system('You joined room ' + (m.room || room) + '.');
          $('text').focus();
        } else if (m.who && m.who !== app.me) {
          system(m.who + ' joined.');
        } else {
          system('A stranger joined the room.');
        }
        updateMembers();
        break;
      case 'said':
        peerTyping(String(m.from || ''), false);
        addLine('theirs', String(m.text || ''), String(m.from || ''));
        break;
      case 'typing':
        peerTyping(String(m.from || ''), !!m.on);
        break;
      case 'left':
        if (app.state === 'room') {
          peerTyping(String(m.who || ''), false);
          app.members = Math.max(1, app.members - 1);
          updateMembers();
          system((m.who || 'A stranger') + ' left the room.');
        } else if (app.state === 'paired') {
          system('Stranger has left.');
          notice((m.who || 'The stranger') + ' has left. Find someone new when you are ready.');
          setState('ended');
          $('again').focus();
        }
        break;
      case 'error': {
        const say = kindErrors[m.code];
        notice(say ? say() : 'The relay said: ' + (m.code || 'error') + (m.detail ? ' (' + m.detail + ')' : ''), 'warn');
        if (app.lastMine && (m.code === 'rate_limited' || m.code === 'too_long' || m.code === 'not_paired')) {
          app.lastMine.classList.add('failed');
          app.lastMine.title = 'Not delivered';
          app.lastMine = null;
          if (stickToBottom) $('log').scrollTop = $('log').scrollHeight;
        }
        break;
      }
      default:
        break;   // newer relays may add types: ignore what we do not know
    }
  }

  // After a welcome (first or after a reconnect): carry on with what the user was doing.
  function resume() {
    if (app.intent === 'find') { send({ type: 'find' }); setState('waiting'); }
    else if (app.intent === 'room') { send({ type: 'join', room }); }
    else if (app.state === 'connecting') setState('start');
  }

  // ------------------------------------------------------------------ user actions
  function send(obj) {
    return app.transport ? app.transport.send(obj) : false;
  }
  function find() {
    app.intent = room ? 'room' : 'find';
    notice('');
    if (room) send({ type: 'join', room });
    else { send({ type: 'find' }); setState('waiting'); }
  }
  function leave(next) {
    send({ type: 'leave' });
    app.intent = 'none';
    setState(next);
  }
  // The relay closes a /chat message over 4 KiB with 1009 (its default --chat-max-message): rather
  // than lose the connection, say so here. Shorter texts over the `say` limit get the relay's too_long.
  const kMaxMessageBytes = 4096 - 32;
  function say(text) {
    if (!text.trim() || (app.state !== 'paired' && app.state !== 'room')) return;
    if (new TextEncoder().encode(JSON.stringify({ type: 'say', text })).length > kMaxMessageBytes) {
      notice(kindErrors.too_long(), 'warn');
      return;
    }
    if (!send({ type: 'say', text })) { notice('Not connected right now; your message was not sent.', 'warn'); return; }
    app.typingOn = false;   // a `say` ends typing on the other side
    clearTimeout(app.typingTimer);
    app.lastMine = addLine('mine', text);
  }
  function showConfirm() {
    $('confirm').hidden = false;
    $('confirm-yes').focus();
  }
  function hideConfirm(refocus) {
    if ($('confirm').hidden) return;
    $('confirm').hidden = true;
    if (refocus) $('skip').focus();
  }

  $('find').addEventListener('click', find);
  $('again').addEventListener('click', find);
  $('cancel').addEventListener('click', () => leave('start'));
  $('leave').addEventListener('click', () => {
    if (app.state === 'room') { leave('start'); return; }
    leave('ended');
    system('You left the conversation.');
  });
  $('skip').addEventListener('click', showConfirm);
  $('confirm-no').addEventListener('click', () => hideConfirm(true));
  $('confirm-yes').addEventListener('click', () => {   // skip = leave + find
    send({ type: 'leave' });
    app.peer = '';
    find();
  });
  $('confirm').addEventListener('keydown', (e) => { if (e.key === 'Escape') hideConfirm(true); });
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('text');
    say(input.value);
    input.value = '';
    input.focus();
  });
  $('text').addEventListener('input', (e) => {
    if (app.state === 'paired' || app.state === 'room') myTyping(e.target.value.length > 0);
  });

  // ------------------------------------------------------------------ connection, reconnection, fallback
  function connect() {
    setLink('connecting');
    const t = app.kind === 'ws' ? new WsTransport({ url: wsUrl, meter }) : new PollTransport({ meter });
    app.transport = t;
    t.onmessage = (m) => { if (app.transport === t) onMessage(m); };
    t.onopen = () => {
      if (app.transport !== t) return;
      app.attempt = 0;
      if (app.kind === 'ws') { app.wsEverOpened = true; app.wsFailures = 0; }
      setLink('open');
      if (!app.fellBack) notice('');
    };
    t.onclose = (info) => { if (app.transport === t) lost(info); };
    t.start();
  }

  function lost(info) {
    app.transport = null;
    // Socket.IO's rule: WebSocket that fails before it opens is not going to work here; poll instead.
    if (app.kind === 'ws' && !info.opened) {
      app.wsFailures += 1;
      if (!app.wsEverOpened || app.wsFailures >= 3) {
        app.kind = 'poll';
        app.fellBack = true;
        notice('WebSocket could not connect' + (info.why === 'timeout' ? ' in time' : '') +
          ', so this page switched to long-polling. The chat works the same.', 'warn');
        connect();
        return;
      }
    }
    if (app.state === 'paired') {
      system('Connection lost. This conversation has ended.');
      app.intent = 'none';
      setState('ended');
    } else if (app.state !== 'ended') {
      setState('connecting');   // waiting or in a room: the intent brings it back after the welcome
    }
    const delay = backoff(app.attempt++);
    const why = info.code && info.code !== 1006 ? ' (' + info.code + ')' : '';
    let left = Math.ceil(delay / 1000);
    const tick = () => setLink('reconnecting', 'Connection lost' + why + '. Reconnecting in ' + left + ' s…');
    tick();
    const countdown = setInterval(() => { left -= 1; if (left > 0) tick(); }, 1000);
    setTimeout(() => { clearInterval(countdown); connect(); }, delay);
  }

  // Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... capped at 15 s, each scaled by 0.5-1.0 at
  // random so a classroom of pages does not reconnect in lockstep after the relay restarts.
  function backoff(attempt) {
    const base = Math.min(15000, 500 * Math.pow(2, attempt));
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  window.addEventListener('pagehide', () => {
    if (app.transport && app.transport.goodbye) app.transport.goodbye();
  });

  // ------------------------------------------------------------------ the byte counter
  function fmtBytes(n) {
    if (n < 1000) return n + ' B';
    if (n < 1e6) return (n / 1000).toFixed(1) + ' kB';
    return (n / 1e6).toFixed(2) + ' MB';
  }
  let statsQueued = false;
  function renderStats() {
    statsQueued = false;
    const s = meter.sent, r = meter.received;
    const approx = (d) => (d.estimated > 0 ? '≈ ' : '');
    $('stats-line').textContent = 'Sent ' + approx(s) + fmtBytes(meter.total('sent')) + ' · Received ' + approx(r) +
      fmtBytes(meter.total('received')) + ' · ' + meter.requests + (meter.requests === 1 ? ' HTTP request' : ' HTTP requests') +
      ' · ' + (app.kind === 'ws' ? 'WebSocket' : 'long-polling');
    const row = (name, d) => name + ': ' + d.exact + ' B exact, ' + d.computed + ' B computed, ~' + d.estimated + ' B estimated.';
    const pageLoads = performance.getEntriesByType('resource')
      .filter((e) => e.initiatorType !== 'fetch' && e.initiatorType !== 'beacon').length + 1;
    $('stats-detail').textContent = row('Sent', s) + ' ' + row('Received', r) + ' Loading this page took ' + pageLoads +
      ' more requests, not counted above.';
  }
  meter.onchange = () => { if (!statsQueued) { statsQueued = true; requestAnimationFrame(renderStats); } };

  // For tests and the curious: read-only views of the state.
  window.wirelab = {
    get state() { return app.state; },
    get link() { return app.link; },
    get transport() { return app.kind; },
    get fellBack() { return app.fellBack; },
    get me() { return app.me; },
    // WebSocket extensions the relay agreed to ("" when none, or when long-polling).
    get extensions() { return app.transport && app.transport.ws ? app.transport.ws.extensions : ''; },
    meter,
  };

  if (room) {
    $('start-title').textContent = 'Join room ' + room;
    $('start-text').textContent = 'Everyone who opens this page with ?room=' + room + ' talks together. You get a random label; no account, no name.';
    $('find').textContent = 'Join room ' + room;
    $('again').textContent = 'Join again';
  }
  setState('connecting');
  renderStats();
  connect();
})();
