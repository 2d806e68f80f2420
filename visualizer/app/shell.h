// The shell's state between frames: the model, the feed, the scene list,
// the selection, theme, fonts and presenter state. main.cpp drives it phase
// by phase; scenes never see it (they get a SceneContext).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/options.h"
#include "app/window.h"
#include "feeds/feed.h"
#include "model/follow.h"
#include "model/inbox.h"
#include "model/model.h"
#include "scenes/scene.h"
#include "ui/fonts.h"
#include "ui/theme.h"

namespace viz {

class ReplayFeed;
class LiveFeed;

class Shell {
 public:
  Shell(const Options& options, Window& window);
  ~Shell();

  // Fonts, style, theme, scenes and the first feed. false + error when it cannot start.
  bool init(std::string& error);
  // Between frames (before ImGui::NewFrame): applies a pending display-scale change.
  void before_frame();
  // One frame of UI; dt is fixed in headless mode.
  void frame(float dt);

  Model& model() { return model_; }
  Feed* feed() { return feed_.get(); }
  const Theme& current_theme() const { return theme(theme_id_); }
  bool headless() const { return headless_; }
  // --wait-for: a `chat` event with this name has been appended (by `who` when given).
  bool saw_chat_event(const std::string& name, const std::string& who = {}) const;
  // Idle drawing: a frame is worth drawing (new events, an animation, a toast,
  // a replay playing, input just now). Between frames the loop calls
  // poll_feed() (cheap) and draws only when wants_frame() says so.
  bool wants_frame() const;
  void poll_feed(double dt);
  void keep_awake(double seconds) { awake_until_ = std::max(awake_until_, time_ + seconds); }
  // "Find my frame": follow one stranger ("" stops).
  void follow(const std::string& who);
  const Follower& follower() const { return follower_; }
  // --print-view: one JSON line saying what the current scene shows (tests read it).
  std::string view_summary() const;
  // --screenshot's own checks: is the current scene a "not in this build" placeholder, and what
  // text did it draw on the last frame (kept only when --expect-text asks).
  bool scene_is_placeholder() const;
  const std::string& scene_text() const { return scene_text_; }
  // Loads a capture and shows it whole (screenshots, benchmarks): no timing, everything at once.
  bool load_capture_whole(const std::string& path, std::size_t repeat_to, std::string& error);
  void select(std::uint64_t seq);
  // --report-clipped sweeps: the scene ids in key order, switch scene, change the display scale
  // (applied by before_frame, before the next frame).
  std::vector<std::string> scene_ids() const;
  void show_scene(const std::string& id);
  void set_scale(float s);
  // Writes what the model holds: a capture (JSON lines, hello first) or pcapng through wire.
  bool save_capture_to(const std::string& path, std::string& error) const;
  bool export_pcapng_to(const std::string& path, std::string& error) const;
  // --bench-ingest: the live feed's inbox (a producer pushes into it) and the events to push.
  Inbox* bench_inbox();
  const std::vector<wire::Event>& bench_source() const { return bench_source_; }

 private:
  // feeds
  void start_live(const std::string& url);
  bool start_replay(const std::string& path, std::string& error);
  // input and commands
  void handle_keys();
  bool handle_follow_keys();   // G then 4 hex digits; true while typing them
  void apply_follow();
  void apply(const Command& c);
  void next_event();
  void previous_event();
  void follow_latest();
  // chrome (chrome.cpp)
  void draw_top_bar(float height);
  void draw_status_bar(float y, float height);
  void draw_playback_controls();
  void draw_help_overlay();
  void draw_blackout();
  void draw_no_relay_offer();
  void draw_toast();
  // export (export.cpp)
  void save_capture();
  void export_pcapng();
  std::vector<wire::Event> events_for_export() const;
  void toast(std::string message, bool error = false);

  Options options_;
  Window& window_;
  bool headless_;
  Model model_;
  std::unique_ptr<Feed> feed_;
  ReplayFeed* replay_ = nullptr;   // feed_ when replaying
  LiveFeed* live_ = nullptr;       // feed_ when live
  std::vector<std::unique_ptr<Scene>> scenes_;
  std::size_t current_ = 0;
  Selection selection_;
  std::vector<Command> commands_;
  ThemeId theme_id_;
  Fonts fonts_;
  ImGuiStyle base_style_;          // sizes at 1x, before ScaleAllSizes
  float scale_ = 1.0f, pending_scale_ = 0.0f;
  double time_ = 0.0;
  bool help_ = false, blackout_ = false;
  std::vector<std::string> bundled_;
  std::string toast_;
  bool toast_error_ = false;
  double toast_until_ = 0.0;
  std::vector<wire::Event> bench_source_;
  Follower follower_;
  bool follow_typing_ = false;
  std::string follow_typed_;
  std::uint64_t drawn_version_ = UINT64_MAX;   // model version at the last frame (idle drawing)
  std::size_t drawn_waiting_ = 0;
  std::string drawn_state_;
  double awake_until_ = 0.0;
  std::string scene_text_;
};

}  // namespace viz
