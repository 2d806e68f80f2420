// WebSocket connections of the inner vhost, common part: message reassembly
// with the limits lws 4.1.6 does not enforce (7.4.1 1009 size, 8.1 1007 UTF-8),
// and the dispatch to /chat (ws_chat.cpp) or /echo (ws_echo.cpp).
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include <fmt/core.h>

#include "relay/inner/inner_server.h"
#include "relay/log.h"
#include "relay/relay.h"

namespace relay {

namespace {
int close_with(lws* wsi, lws_close_status code, const std::string& reason) {
  std::string r = reason.substr(0, 123);   // 5.5: control frame payload <= 125 bytes
  lws_close_reason(wsi, code, reinterpret_cast<unsigned char*>(r.data()), r.size());
  return -1;
}
}  // namespace

int InnerServer::on_established(InnerSession& s) {
  s.websocket = true;
  ++websockets_;
  keepalive_.heard(s.conn, s.keepalive, relay_.now_us());
  if (ConnRecord* rec = relay_.connections().find(s.conn)) rec->websocket = true;
  if (s.route == Route::chat) {
    pending_conn_ = s.conn;
    s.participant = relay_.chat().connect(chat::Transport::websocket, chat::Arrival{s.conn, s.bot});
    pending_conn_ = 0;
    ws_participants_[s.participant] = s.conn;
    last_conn_[s.participant] = s.conn;
    lws_callback_on_writable(s.wsi);   // the welcome
  }
  log::detail("conn #{}: websocket {}", s.conn, s.route == Route::chat ? "/chat" : "/echo");
  return 0;
}

int InnerServer::on_receive(InnerSession& s, const char* in, std::size_t len) {
  lws* wsi = s.wsi;
  const std::size_t limit =
      s.route == Route::chat ? relay_.options().chat_max_message : relay_.options().echo_max_message;
  if (lws_is_first_fragment(wsi)) {   // a message's first chunk: lws calls RECEIVE per chunk of up to 1 KiB
    keepalive_.heard(s.conn, s.keepalive, relay_.now_us());
    s.message.clear();
    s.message_binary = lws_frame_is_binary(wsi) != 0;
    s.utf8.reset();
  }
  // 7.4.1 (1009): lws has no size limit; the frame's remaining length is known
  // on its first chunk, so an oversized message is refused before it is read.
  const std::size_t remaining = lws_remaining_packet_payload(wsi);
  if (s.message.size() + len + remaining > limit) {
    relay_.violation(s.conn, fmt::format("RFC 6455 7.4.1: message too big (limit {} bytes)", limit), "closed 1009");
    log::info("conn #{}: message over {} bytes -> closed 1009", s.conn, limit);
    return close_with(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
  }
  // 8.1 (1007): text messages MUST be valid UTF-8, checked as the pieces come.
  if (!s.message_binary) {
    wire::Utf8Check c = s.utf8.feed(std::string_view(in, len));
    if (c.ok && lws_is_final_fragment(wsi)) c = s.utf8.finish();
    if (!c.ok) {
      relay_.violation(s.conn, "RFC 6455 8.1: text messages must be valid UTF-8", "closed 1007");
      log::info("conn #{}: invalid UTF-8 -> closed 1007", s.conn);
      return close_with(wsi, LWS_CLOSE_STATUS_INVALID_PAYLOAD, "invalid UTF-8");
    }
  }
  s.message.append(in, len);
  if (!lws_is_final_fragment(wsi)) return 0;
  relay_.metrics().message(Carrier::websocket, wire::Direction::c2s, s.message.size());
  return deliver_message(s);
}

int InnerServer::deliver_message(InnerSession& s) {
  if (s.route == Route::chat) {
    // A chat message is JSON text; the service answers anything else with error bad_message.
    last_conn_[s.participant] = s.conn;
    relay_.chat().receive(s.participant, s.message, relay_.now_us());
    s.message.clear();
    return 0;
  }
  s.echo_bytes += s.message.size();
  s.echo_out.emplace_back(s.message_binary, std::move(s.message));
  s.message.clear();
  lws_callback_on_writable(s.wsi);
  // Bounded: a client that sends without reading is paused until its echoes drain.
  if (s.echo_bytes > 1024 * 1024 && !s.rx_paused) {
    lws_rx_flow_control(s.wsi, 0);
    s.rx_paused = true;
  }
  return 0;
}

int InnerServer::on_ws_writeable(InnerSession& s) {
  if (s.going_away) return close_with(s.wsi, LWS_CLOSE_STATUS_GOINGAWAY, "relay shutting down");
  if (s.ping_due) return send_keepalive_ping(s);
  return s.route == Route::chat ? chat_writeable(s) : echo_writeable(s);
}

void InnerServer::on_ws_closed(InnerSession& s) {
  if (!s.websocket) return;
  s.websocket = false;
  --websockets_;
  keepalive_.forget(s.keepalive);
  if (s.route == Route::chat && s.participant != 0) {
    ws_participants_.erase(s.participant);
    relay_.chat().disconnect(s.participant);
    last_conn_.erase(s.participant);
    s.participant = 0;
  }
  log::detail("conn #{}: websocket closed", s.conn);
}

// RFC 6455 5.5.2: a ping, which the client answers with a pong carrying the
// same payload (5.5.3). Not empty: lws 4.1.6 calls RECEIVE_PONG only for a pong
// that carries a payload, and the pong is what keeps the connection.
int InnerServer::send_keepalive_ping(InnerSession& s) {
  s.ping_due = false;
  static constexpr std::string_view kPayload = "keepalive";
  std::array<unsigned char, LWS_PRE + kPayload.size()> buf{};
  std::copy(kPayload.begin(), kPayload.end(), buf.begin() + LWS_PRE);
  if (lws_write(s.wsi, buf.data() + LWS_PRE, kPayload.size(), LWS_WRITE_PING) < 0) return -1;
  lws_callback_on_writable(s.wsi);   // whatever was waiting behind the ping goes next
  return 0;
}

// Every tick: pings for the silent, and the hang-up for those silent past
// --hangup-secs (no close frame: a client that answers nothing would not read it).
void InnerServer::keep_alive(std::int64_t now_us) {
  const Keepalive::Due due = keepalive_.due(now_us, [this](std::uint64_t conn) -> KeepaliveState* {
    auto it = sessions_.find(conn);
    return it == sessions_.end() ? nullptr : &it->second.keepalive;
  });
  for (const std::uint64_t conn : due.ping) {
    auto it = sessions_.find(conn);
    if (it == sessions_.end() || !it->second.websocket) continue;
    it->second.ping_due = true;
    lws_callback_on_writable(it->second.wsi);
  }
  for (const std::uint64_t conn : due.hang_up) {
    auto it = sessions_.find(conn);
    if (it == sessions_.end() || !it->second.websocket) continue;
    log::detail("conn #{}: silent for --hangup-secs {}: hung up", conn, relay_.options().hangup_secs);
    lws_set_timeout(it->second.wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
  }
}

void InnerServer::say_goodbye() {
  for (auto& [id, s] : sessions_) {
    if (s.websocket) {
      s.going_away = true;
      lws_callback_on_writable(s.wsi);
    } else if (s.held) {
      lws_callback_on_writable(s.wsi);
    }
  }
}

}  // namespace relay
