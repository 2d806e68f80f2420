// relay::MirrorServer: the mirror's own vhost (--mirror-bind:--mirror-port,
// path /mirror, never tapped). Each subscriber is a MirrorHub subscriber; its
// queued event texts are written one WebSocket text message each, in
// WRITEABLE, as fast as the subscriber reads. Off-loopback binds need
// ?token=T (checked before the upgrade).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include <libwebsockets.h>

namespace relay {

class Relay;

class MirrorServer {
 public:
  explicit MirrorServer(Relay& relay) : relay_(relay) {}
  static const lws_protocols* protocols();
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, std::size_t len);
  void say_goodbye();
  std::size_t size() const { return subscribers_.size(); }

 private:
  int confirm_upgrade(lws* wsi);
  int writeable(lws* wsi);

  Relay& relay_;
  std::unordered_map<std::uint64_t, lws*> subscribers_;   // hub subscriber id -> wsi
  bool going_away_ = false;
};

}  // namespace relay
