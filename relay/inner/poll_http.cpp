// Long-polling glue (relay/README.md "Endpoints"): POST /poll/open, POST /poll/send?session=S,
// GET /poll/recv?session=S held until a message or --poll-hold-secs. Plain
// HTTP/1.1 with ordinary headers: the honest baseline the visualizer compares
// with WebSocket. The session store and batching are relay/poll/.
#include <fmt/core.h>

#include "relay/inner/inner_server.h"
#include "relay/log.h"
#include "relay/relay.h"

namespace relay {
int InnerServer::poll_open(InnerSession& s) {
  Relay& r = relay_;
  pending_conn_ = s.conn;
  const chat::ParticipantId pid = r.chat().connect(chat::Transport::long_poll, chat::Arrival{s.conn, s.bot});
  pending_conn_ = 0;
  const poll::Session* session = r.polls().open(pid, r.now_us());
  if (session == nullptr) {
    r.chat().disconnect(pid);
    respond(s, json_reply(503, R"({"error":"too_many_sessions","detail":"the relay has too many long-poll sessions"})"));
    return 0;
  }
  last_conn_[pid] = s.conn;
  s.poll_participant = pid;
  log::detail("conn #{}: long-poll session opened, {} sessions", s.conn, r.polls().size());
  respond(s, json_reply(200, fmt::format(R"({{"session":"{}"}})", session->id)));
  return 0;
}

int InnerServer::poll_send(InnerSession& s) {
  Relay& r = relay_;
  const poll::Session* session = r.polls().find(s.poll_session);
  if (session == nullptr) {
    respond(s, json_reply(404, poll::Sessions::not_found_body(s.poll_session)));
    return 0;
  }
  if (s.body_too_big) {
    respond(s, json_reply(413, fmt::format(R"({{"error":"too_long","detail":"a message is at most {} bytes"}})",
                                           r.options().chat_max_message)));
    return 0;
  }
  last_conn_[session->participant] = s.conn;
  s.poll_participant = session->participant;
  r.metrics().message(Carrier::long_poll, wire::Direction::c2s, s.body.size());
  r.chat().receive(session->participant, s.body, r.now_us());
  s.body.clear();
  HttpReply ok;
  ok.status = 204;
  ok.headers = {{"cache-control:", "no-store"}};
  respond(s, std::move(ok));
  return 0;
}

int InnerServer::poll_recv(InnerSession& s) {
  Relay& r = relay_;
  const poll::Session* session = r.polls().find(s.poll_session);
  if (session == nullptr) {
    respond(s, json_reply(404, poll::Sessions::not_found_body(s.poll_session)));
    return 0;
  }
  const chat::ParticipantId pid = session->participant;
  r.polls().touch_recv(s.poll_session, r.now_us());
  last_conn_[pid] = s.conn;
  s.poll_participant = pid;
  // One held recv per session: an older one is answered now.
  if (auto it = held_.find(pid); it != held_.end() && it->second != s.conn) {
    if (auto old = sessions_.find(it->second); old != sessions_.end()) {
      old->second.held_until_us = 0;
      lws_callback_on_writable(old->second.wsi);
    }
  }
  s.held = true;
  s.held_for = pid;
  s.held_until_us = r.now_us() + std::int64_t{r.options().poll_hold_secs} * 1'000'000;
  held_[pid] = s.conn;
  lws_set_timeout(s.wsi, PENDING_TIMEOUT_HTTP_CONTENT, r.options().poll_hold_secs + 10);
  if (r.chat().queued(pid) > 0) lws_callback_on_writable(s.wsi);
  return 0;
}

// HTTP_WRITEABLE of a held recv: the batch (200), or 204 when its time is up.
int InnerServer::answer_held(InnerSession& s) {
  Relay& r = relay_;
  const std::int64_t now = r.now_us();
  const std::size_t n = std::min<std::size_t>(r.chat().queued(s.held_for), 256);
  if (n == 0 && now < s.held_until_us && !r.stopping()) return 0;   // a wake-up for someone else's reason
  std::string batch = poll::drain_batch(r.chat(), s.held_for, 256);
  unhold(s);
  r.polls().touch_recv(s.poll_session, now);
  HttpReply reply;
  reply.headers = {{"cache-control:", "no-store"}};
  if (batch.empty()) {
    reply.status = 204;
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      r.metrics().message(Carrier::long_poll, wire::Direction::s2c, batch.size() / n);
    }
    reply.content_type = "application/json";
    reply.body = std::move(batch);
  }
  return write_reply(s, reply);
}

void InnerServer::unhold(InnerSession& s) {
  if (auto it = held_.find(s.held_for); it != held_.end() && it->second == s.conn) held_.erase(it);
  s.held = false;
  s.held_for = 0;
}

// Every ~250 ms: held recvs whose time is up get their 204; once a second,
// sessions without a recv for --poll-expiry-secs end (their peer gets `left`).
void InnerServer::tick(std::int64_t now_us) {
  for (auto& [id, s] : sessions_) {
    if (s.held && now_us >= s.held_until_us) lws_callback_on_writable(s.wsi);
  }
  for (const poll::Session& e : relay_.polls().expire(now_us)) {
    held_.erase(e.participant);
    relay_.chat().disconnect(e.participant);
    last_conn_.erase(e.participant);
    log::detail("long-poll session expired, {} sessions", relay_.polls().size());
  }
}

}  // namespace relay
