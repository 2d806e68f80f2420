// /echo over WebSocket: every text and binary message comes back as it was
// (labs and conformance tests use it). One message per WRITEABLE.
#include <cstring>
#include <vector>

#include "relay/inner/inner_server.h"
#include "relay/relay.h"
#include "relay/tap/socket_tap.h"

namespace relay {

int InnerServer::echo_writeable(InnerSession& s) {
  if (s.echo_out.empty()) return 0;
  // 5.5.1: nothing after a Close. lws 4.1.6 still offers WRITEABLE after it
  // failed the connection (its own 1002, or our 1007/1009 through
  // lws_close_reason, which fills the close buffer this reads).
  if (lws_get_close_length(s.wsi) > 0) {
    release(s.conn);   // what was still queued is not sent: free it now
    return 0;
  }
  auto [binary, payload] = std::move(s.echo_out.front());
  s.echo_out.pop_front();
  s.echo_bytes -= payload.size();
  std::vector<unsigned char> buf(LWS_PRE + payload.size());
  std::memcpy(buf.data() + LWS_PRE, payload.data(), payload.size());
  if (lws_write(s.wsi, buf.data() + LWS_PRE, payload.size(), binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT) < 0) {
    return -1;
  }
  relay_.metrics().message(Carrier::websocket, wire::Direction::s2c, payload.size());
  if (s.rx_paused && s.echo_bytes < 256 * 1024) {
    lws_rx_flow_control(s.wsi, 1);
    s.rx_paused = false;
    // The tap may hold bytes lws paused before reading: no kernel event will say so.
    if (SocketTap* tap = relay_.socket_tap()) tap->wake(s.conn);
  }
  if (!s.echo_out.empty()) lws_callback_on_writable(s.wsi);
  return 0;
}

std::size_t InnerServer::held_bytes(std::uint64_t conn) const {
  const auto it = sessions_.find(conn);
  if (it == sessions_.end()) return 0;
  const InnerSession& s = it->second;
  std::size_t held = s.echo_bytes + s.message.size();
  if (s.participant != 0) held += relay_.chat().queued_bytes(s.participant);
  return held;
}

void InnerServer::release(std::uint64_t conn) {
  const auto it = sessions_.find(conn);
  if (it == sessions_.end()) return;
  it->second.echo_out.clear();
  it->second.echo_bytes = 0;
  it->second.message.clear();
  it->second.message.shrink_to_fit();
}

}  // namespace relay
