// /chat over WebSocket: relay::chat::Service glued to lws. One text message
// per WRITEABLE; the service's queue is the bound (oldest dropped + counted).
#include <cstring>
#include <vector>

#include "relay/inner_server.h"
#include "relay/relay.h"

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
    if (auto s = sessions_.find(it->second); s != sessions_.end()) lws_callback_on_writable(s->second.wsi);
    return;
  }
  if (auto it = held_.find(id); it != held_.end()) {
    if (auto s = sessions_.find(it->second); s != sessions_.end()) lws_callback_on_writable(s->second.wsi);
  }
}

// The mirror's `chat` event: who talks to whom, never the text.
void InnerServer::on_chat_note(const chat::ChatNote& note) {
  wire::Chat ev;
  auto it = last_conn_.find(note.who_id);
  ev.conn = it != last_conn_.end() ? it->second : pending_conn_;
  ev.event = note.event;
  ev.who = note.who;
  ev.peer = note.peer.empty() && !note.room.empty() ? "room " + note.room : note.peer;
  relay_.publish(std::move(ev));
}

}  // namespace relay
