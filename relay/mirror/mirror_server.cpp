// The mirror listener: /mirror WebSocket subscribers fed from the MirrorHub.
#include "relay/mirror/mirror_server.h"

#include <cstring>
#include <string>
#include <vector>

#include <openssl/crypto.h>

#include "relay/descriptors.h"
#include "relay/inner/early_response.h"
#include "relay/lws_handles.h"
#include "relay/log.h"
#include "relay/relay.h"

namespace relay {
namespace {

const lws_protocols kMirrorProtocols[] = {
    {"wirelab-mirror", MirrorServer::callback, 0, 4096, 20, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},   // terminator
};

}  // namespace

const lws_protocols* MirrorServer::protocols() { return kMirrorProtocols; }

int MirrorServer::callback(lws* wsi, lws_callback_reasons reason, void* /*user*/, void* in, std::size_t /*len*/) {
  // Never a socket past lws's table (descriptors.h).
  if (reason == LWS_CALLBACK_FILTER_NETWORK_CONNECTION) return fits_lws_table(accepted_fd(in)) ? 0 : 1;
  MirrorServer& self = Relay::of(wsi).mirror();
  MirrorHub& hub = self.relay_.hub();
  switch (reason) {
    case LWS_CALLBACK_HTTP:
      // Only /mirror upgrades live here.
      if (lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, nullptr)) return -1;
      return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
      return self.confirm_upgrade(wsi);
    case LWS_CALLBACK_ESTABLISHED: {
      const auto id = hub.subscribe([wsi] { lws_callback_on_writable(wsi); });
      set_conn_id(wsi, id);
      self.subscribers_[id] = wsi;
      lws_callback_on_writable(wsi);
      log::info("mirror subscriber {} joined, {} subscribers", id, hub.subscribers());
      return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE:
      return self.writeable(wsi);
    case LWS_CALLBACK_RECEIVE:
      return 0;   // subscribers have nothing to say
    case LWS_CALLBACK_CLOSED: {
      const auto id = conn_id(wsi);
      if (id != 0 && self.subscribers_.erase(id) > 0) {
        hub.unsubscribe(id);
        log::info("mirror subscriber {} left, {} subscribers", id, hub.subscribers());
      }
      return 0;
    }
    default:
      return 0;
  }
}

// Path /mirror only; ?token=T when the operator set one.
int MirrorServer::confirm_upgrade(lws* wsi) {
  char* uri = nullptr;
  int uri_len = 0;
  if (lws_http_get_uri_and_method(wsi, &uri, &uri_len) < 0) uri = nullptr;
  const std::string path = uri != nullptr ? std::string(uri, static_cast<std::size_t>(uri_len)) : std::string();
  if (path != "/mirror") {
    write_early_response(wsi, 404, "Not Found", R"({"error":"not_found","detail":"the mirror is at /mirror"})");
    return -1;
  }
  const std::string& token = relay_.options().mirror_token;
  if (!token.empty()) {
    char buf[256];
    const char* got = lws_get_urlarg_by_name(wsi, "token=", buf, sizeof buf);
    if (got == nullptr || std::strlen(got) != token.size() || CRYPTO_memcmp(got, token.data(), token.size()) != 0) {
      log::info("mirror: subscriber refused (bad or missing token)");
      write_early_response(wsi, 403, "Forbidden", R"({"error":"forbidden","detail":"bad or missing ?token="})");
      return -1;
    }
  }
  if (going_away_) {
    write_early_response(wsi, 503, "Service Unavailable", R"({"error":"shutting_down"})");
    return -1;
  }
  return 0;
}

// Up to a few events per WRITEABLE while the socket takes them.
int MirrorServer::writeable(lws* wsi) {
  if (going_away_) {
    const char reason[] = "relay shutting down";
    lws_close_reason(wsi, LWS_CLOSE_STATUS_GOINGAWAY,
                     reinterpret_cast<unsigned char*>(const_cast<char*>(reason)), sizeof reason - 1);
    return -1;
  }
  MirrorHub& hub = relay_.hub();
  const auto id = conn_id(wsi);
  std::string text;
  std::vector<unsigned char> buf;
  for (int i = 0; i < 16 && !lws_send_pipe_choked(wsi); ++i) {
    if (!hub.pop(id, text)) break;
    buf.resize(LWS_PRE + text.size());
    std::memcpy(buf.data() + LWS_PRE, text.data(), text.size());
    if (lws_write(wsi, buf.data() + LWS_PRE, text.size(), LWS_WRITE_TEXT) < 0) return -1;
  }
  if (hub.pending(id)) lws_callback_on_writable(wsi);
  return 0;
}

void MirrorServer::say_goodbye() {
  going_away_ = true;
  for (auto& [id, wsi] : subscribers_) lws_callback_on_writable(wsi);
}

}  // namespace relay
