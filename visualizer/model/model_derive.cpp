// The model's derivations that keep state across events: permessage-deflate
// inflation per connection and direction (RFC 7692), long-poll sessions tying
// a stranger's several connections together, the session id read from
// the /poll/open answer, and Engine.IO's packets and upgrade per session.
#include <algorithm>

#include "model/model.h"
#include "model/engineio_view.h"
#include "model/model_state.h"
#include "wire/handshake.h"

namespace viz {

// The string value of a top-level "name" in a small JSON body (the /poll/open
// answer {"session":"..."}); "" when absent. Not a JSON parser: ids are hex.
std::string json_string_field(const wire::Bytes& bytes, const std::string& name) {
  const std::string text(bytes.begin(), bytes.end());
  const std::string key = "\"" + name + "\"";
  auto k = text.find(key);
  if (k == std::string::npos) return {};
  auto q1 = text.find('"', text.find(':', k + key.size()));
  if (q1 == std::string::npos) return {};
  auto q2 = text.find('"', q1 + 1);
  return q2 == std::string::npos ? std::string() : text.substr(q1 + 1, q2 - q1 - 1);
}


// RFC 7692 6: rsv1 on a message's first frame marks it compressed; the last
// frame of the message gets the whole inflated message. A truncated payload
// cannot be inflated and breaks the window, so that direction stops inflating.
void Model::inflate(Entry& e, const wire::Frame& f, DeriveConn& pc, int d, const std::string& extensions) {
  if (!pc.deflate_ready) {
    pc.deflate_ready = true;
    auto params = wire::parse_permessage_deflate(extensions);
    if (params && *params) {
      pc.inflater[0] = wire::PerMessageInflater::for_direction(**params, wire::Direction::c2s, limits_.max_clear_payload * 16);
      pc.inflater[1] = wire::PerMessageInflater::for_direction(**params, wire::Direction::s2c, limits_.max_clear_payload * 16);
    }
  }
  if (!pc.inflater[d]) return;
  const auto op = static_cast<wire::Opcode>(f.opcode & 0x0F);
  if (wire::is_control(op)) return;   // 5.5: control frames are never compressed
  if (op != wire::Opcode::continuation) {
    pc.in_compressed[d] = (f.rsv & 0x4) != 0;
    pc.compressed[d].clear();
  }
  if (!pc.in_compressed[d]) return;
  if (f.truncated) {
    pc.inflater[d].reset();   // the window is lost with the missing bytes
    pc.in_compressed[d] = false;
    return;
  }
  pc.compressed[d].insert(pc.compressed[d].end(), e.payload_clear.begin(), e.payload_clear.end());
  if (!f.fin) return;
  auto out = pc.inflater[d]->inflate_message(pc.compressed[d]);
  if (out) {
    wire::Bytes clear = std::move(out).value();
    if (clear.size() > limits_.max_clear_payload) clear.resize(limits_.max_clear_payload);
    e.inflated = std::move(clear);
  }
  pc.compressed[d].clear();
  pc.in_compressed[d] = false;
}

// Ties a connection to a long-poll session; every connection of the session
// then carries the session's stranger (from whichever connection learnt it).
// Cost per call is constant: names flow once, from the session to its waiting connections.
void Model::join_session(const std::string& session, std::uint64_t conn_id) {
  auto& cs = derive_->conn_session[conn_id];
  auto& sess = derive_->sessions[session];
  if (cs != session) {
    if (!cs.empty()) {
      if (auto old = derive_->sessions.find(cs); old != derive_->sessions.end() && --old->second.refs == 0)
        derive_->sessions.erase(old);
    }
    cs = session;
    ++sess.refs;
  }
  ConnView& cv = conns_[conn_id];
  if (!cv.stranger.empty() && sess.stranger.empty()) {
    sess.stranger = cv.stranger;
    for (auto c : sess.unnamed) {
      if (auto it = conns_.find(c); it != conns_.end() && it->second.stranger.empty()) it->second.stranger = sess.stranger;
    }
    sess.unnamed.clear();
  } else if (cv.stranger.empty() && !sess.stranger.empty()) {
    cv.stranger = sess.stranger;
  } else if (cv.stranger.empty() && sess.unnamed.size() < 64 &&
             std::find(sess.unnamed.begin(), sess.unnamed.end(), conn_id) == sess.unnamed.end()) {
    sess.unnamed.push_back(conn_id);
  }
}

// An Engine.IO connection's entry: its packets in words, and the session's
// upgrade story moved on by them (polling answers and requests, WebSocket frames).
void Model::read_engineio(Entry& e) {
  if (const auto* h = e.http()) {
    // A pooled keep-alive connection may carry other requests between Engine.IO's (a page, a
    // favicon): only an Engine.IO request and its answer are read as packets.
    const Entry* req = h->dir == wire::Direction::c2s ? &e : e.paired_seq ? by_seq(*e.paired_seq) : nullptr;
    const auto line = req && req->http() ? wire::parse_request_line(req->http()->start_line) : std::nullopt;
    if (!line || !wire::engineio::parse_target(line->target)) return;
    // A POST's answer is not packets: Engine.IO 4 answers "ok" once it has read them.
    if (h->dir == wire::Direction::s2c && req->http()->start_line.rfind("POST ", 0) == 0) {
      if (h->body_len > 0) {
        e.engineio = "ok: the POST's packets arrived";
        e.engineio_brief = "ok";
      }
      return;
    }
  }
  const EngineIoPackets packets = engineio_packets(e);
  if (packets.packets.empty() && packets.error.empty()) return;
  e.engineio = engineio_words(packets, 40);
  e.engineio_brief = engineio_words(packets, 24, true);
  // Engine.IO's open packet in a polling answer names the session (its sid, labelled by the relay).
  // Not Socket.IO's CONNECT answer (40{"sid":...}): that sid is Socket.IO's own, another label.
  if (const auto* h = e.http(); h && !h->session.empty() && !packets.packets.empty() &&
                                !packets.packets.front().binary &&
                                packets.packets.front().type == wire::engineio::PacketType::open)
    derive_->conn_engineio[e.conn] = h->session;
  const auto label = derive_->conn_engineio.find(e.conn);
  if (label == derive_->conn_engineio.end()) return;
  auto& sessions = derive_->engineio_sessions;
  auto& session = sessions[label->second];
  session.last_seq = e.event.seq;
  const bool from_server = e.dir == wire::Direction::s2c;
  for (const auto& p : packets.packets) {
    if (e.frame()) session.tracker.on_websocket_packet(p, from_server);
    else session.tracker.on_polling_packet(p, from_server);
  }
  if (sessions.size() > limits_.max_connections) {
    sessions.erase(std::min_element(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
      return a.second.last_seq < b.second.last_seq;
    }));
  }
}

std::span<const std::string_view> Model::engineio_story_forms(std::uint64_t conn) const {
  const auto label = derive_->conn_engineio.find(conn);
  if (label == derive_->conn_engineio.end()) return {};
  const auto session = derive_->engineio_sessions.find(label->second);
  return session == derive_->engineio_sessions.end() ? std::span<const std::string_view>{}
                                                      : session->second.tracker.label_forms();
}

std::string_view Model::engineio_story(std::uint64_t conn) const {
  const auto forms = engineio_story_forms(conn);
  return forms.empty() ? std::string_view{} : forms.front();
}

}  // namespace viz
