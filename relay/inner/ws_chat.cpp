// /chat over WebSocket: relay::chat::Service glued to lws. One text message
// per WRITEABLE; the service's queue is the bound (oldest dropped + counted).
#include <cstring>
#include <vector>

#include "relay/inner/inner_server.h"
#include "relay/relay.h"
#include "relay/tap/socket_tap.h"

namespace relay {

int InnerServer::chat_writeable(InnerSession& s) {
  std::string text;
  if (!relay_.chat().pop(s.participant, text)) return 0;
  std::vector<unsigned char> buf(LWS_PRE + text.size());
  std::memcpy(buf.data() + LWS_PRE, text.data(), text.size());
  if (lws_write(s.wsi, buf.data() + LWS_PRE, text.size(), LWS_WRITE_TEXT) < 0) return -1;
  relay_.metrics().message(Carrier::websocket, wire::Direction::s2c, text.size());
  if (relay_.chat().queued(s.participant) > 0) lws_callback_on_writable(s.wsi);
  return 0;
}

// Something was queued for a participant: wake its WebSocket or its held poll.
void InnerServer::on_chat_ready(chat::ParticipantId id) {
  if (auto it = ws_participants_.find(id); it != ws_participants_.end()) {
    if (auto s = sessions_.find(it->second); s != sessions_.end()) wake_websocket(s->second);
    return;
  }
  if (auto it = held_.find(id); it != held_.end()) {
    if (auto s = sessions_.find(it->second); s != sessions_.end()) lws_callback_on_writable(s->second.wsi);
  }
}

// A message for a WebSocket goes out at once when nothing waits before it on
// that connection (no other message, no ping, nothing lws holds back, not the
// connection lws is calling us for): waiting for WRITEABLE costs two
// epoll_ctl calls and a turn of the loop per message (bench/README.md, "Peers
// side by side"). Otherwise it goes in order at WRITEABLE. What the socket
// does not take, lws keeps and sends first (lws_partial_buffered).
void InnerServer::wake_websocket(InnerSession& s) {
  SocketTap* tap = relay_.socket_tap();
  const bool straight = s.wsi != in_callback_ && !s.going_away && !s.ping_due &&
                        relay_.chat().queued(s.participant) == 1 && lws_partial_buffered(s.wsi) == 0 &&
                        (tap == nullptr || !tap->wants_writeable(s.wsi));
  if (!straight) {
    lws_callback_on_writable(s.wsi);
    return;
  }
  if (chat_writeable(s) < 0) lws_set_timeout(s.wsi, PENDING_TIMEOUT_KILLED_BY_PARENT, LWS_TO_KILL_ASYNC);
}

// The mirror's `chat` event: who talks to whom, never the text.
void InnerServer::on_chat_note(const chat::ChatNote& note) {
  wire::Chat ev;
  auto it = last_conn_.find(note.who_id);
  ev.conn = it != last_conn_.end() ? it->second : pending_conn_;
  ev.event = note.event;
  ev.who = note.who;
  ev.peer = note.peer.empty() && !note.room.empty() ? "room " + note.room : note.peer;
  ev.bot = note.bot;
  relay_.publish(std::move(ev));
  // Counting walks every participant, so only where someone's place may change: "said" and "typing"
  // (every message) never move anyone, and with 10,000 idle connections the walk cost 40 ms a message.
  if (note.event != "said" && note.event != "typing")
    humans_chatting_.store(relay_.chat().humans_chatting(), std::memory_order_relaxed);
}

namespace {

wire::ChatState chat_state(chat::Place place) {
  switch (place) {
    case chat::Place::lobby: return wire::ChatState::lobby;
    case chat::Place::waiting: return wire::ChatState::waiting;
    case chat::Place::paired: return wire::ChatState::paired;
    case chat::Place::room: return wire::ChatState::room;
  }
  return wire::ChatState::lobby;
}

}  // namespace

// A late mirror subscriber learns here what earlier `chat` events said
// (docs/mirror-protocol.md "hello"): labels, transports, pairs and rooms.
// Labels are public already; never message text, never an address.
void InnerServer::fill_hello(wire::Hello& hello) const {
  const chat::Service& chat = relay_.chat();
  for (wire::ConnectionInfo& c : hello.connections) {
    const auto it = sessions_.find(c.conn);
    if (it == sessions_.end()) continue;
    const InnerSession& s = it->second;
    const chat::ParticipantId pid = s.participant != 0 ? s.participant : s.poll_participant;
    if (pid != 0) c.who = chat.label(pid);   // "" once that participant is gone
  }
  // A long-poll stranger's connection: the one holding its /poll/recv (open,
  // where its next messages go), else the one of its latest request.
  const auto conn_of = [this](chat::ParticipantId id) -> std::uint64_t {
    for (const auto* m : {&ws_participants_, &held_, &last_conn_}) {
      if (const auto it = m->find(id); it != m->end()) return it->second;
    }
    return 0;
  };
  for (const chat::ParticipantState& p : chat.snapshot()) {
    wire::ParticipantInfo info;
    info.who = p.label;
    info.transport =
        p.transport == chat::Transport::websocket ? wire::ChatTransport::websocket : wire::ChatTransport::long_poll;
    info.conn = conn_of(p.id);
    info.state = chat_state(p.place);
    info.peer = p.peer;
    info.room = p.room;
    info.bot = p.bot;
    hello.participants.push_back(std::move(info));
  }
}

}  // namespace relay
