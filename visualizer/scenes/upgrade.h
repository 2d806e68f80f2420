// Scene 2, The Upgrade: the scene class, shared by upgrade.cpp (picking the
// connection, the header tables) and upgrade_accept.cpp (the Sec-WebSocket-Accept
// derivation and a refused upgrade). Private to the scene: nothing else includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenes/scene.h"
#include "teach/handshake_notes.h"

namespace viz::upgrade {

class UpgradeScene final : public Scene {
 public:
  const char* id() const override { return "upgrade"; }
  const char* title() const override { return "The Upgrade"; }
  void draw(SceneContext& ctx) override;
  std::string shown() const override {
    return shown_conn_ ? "\"conn\":" + std::to_string(*shown_conn_) : std::string("\"conn\":null");
  }

 private:
  std::optional<std::uint64_t> shown_conn_;   // the connection whose handshake the last draw showed
  static constexpr float kCompactLines = 14.0f;   // fewer lines of body text than this: the compact layout
  bool compact_ = false;
  const ConnView* pick(const SceneContext& ctx, bool& is_default, std::string& why);
  void refresh_upgrades(const SceneContext& ctx);
  void panel_heading(const SceneContext& ctx, const char* text) const;
  void draw_message(SceneContext& ctx, const wire::Http& h, const char* label);
  void draw_accept(SceneContext& ctx, const teach::AcceptDerivation& d);
  void draw_accept_compact(SceneContext& ctx, const teach::AcceptDerivation& d);
  void draw_failure(SceneContext& ctx, const wire::Http& req, const wire::Http& resp);
  void draw_other_upgrades(SceneContext& ctx, std::uint64_t shown);

  std::uint64_t cached_version_ = ~std::uint64_t{0};
  std::vector<std::uint64_t> upgrades_;   // connections with an upgrade request still in the model, oldest first
};

}  // namespace viz::upgrade
