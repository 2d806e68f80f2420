// Shell: feeds, scenes, commands and the per-frame layout (top bar, scene,
// status bar, overlays). Drawing of the chrome is in chrome.cpp, keys in
// presenter.cpp, saving and pcapng export in export.cpp.
#include "app/shell.h"

#include <algorithm>
#include <cstdio>

#include "feeds/live.h"
#include "feeds/replay.h"

namespace viz {
namespace {

// Scene ids in key order, so --scene and the placeholders agree with the issue.
constexpr const char* kSceneIds[] = {"conversation", "upgrade", "frame", "masking", "polling", "tls"};
constexpr const char* kSceneTitles[] = {"Conversation", "Upgrade", "Frame anatomy", "Masking", "Polling vs WebSocket",
                                        "What TLS hides"};

// Stands in for a scene whose file is not in this build yet.
class PlaceholderScene final : public Scene {
 public:
  PlaceholderScene(const char* id, const char* title) : id_(id), title_(title) {}
  const char* id() const override { return id_; }
  const char* title() const override { return title_; }
  void draw(SceneContext& ctx) override {
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::Text("%s: not in this build", title_);
    ImGui::PopFont();
  }

 private:
  const char* id_;
  const char* title_;
};

void base_sizes(ImGuiStyle& s) {
  s.WindowPadding = ImVec2(16, 12);
  s.FramePadding = ImVec2(10, 6);
  s.ItemSpacing = ImVec2(12, 8);
  s.ItemInnerSpacing = ImVec2(8, 6);
  s.CellPadding = ImVec2(8, 4);
  s.ScrollbarSize = 20;
  s.GrabMinSize = 18;
  s.WindowRounding = 0;
  s.ChildRounding = 6;
  s.FrameRounding = 5;
  s.PopupRounding = 6;
  s.GrabRounding = 5;
  s.TabRounding = 5;
  s.WindowBorderSize = 0;
  s.ChildBorderSize = 0;
  s.FrameBorderSize = 1;
  s.PopupBorderSize = 2;
}

}  // namespace

Shell::Shell(const Options& options, Window& window)
    : options_(options), window_(window), headless_(!options.screenshot.empty() || options.bench_frames > 0),
      model_(ModelLimits{options.max_events, 10'000, 64 * 1024}), theme_id_(options.theme), scale_(options.scale) {}

Shell::~Shell() = default;

bool Shell::init(std::string& error) {
  help_ = options_.show_help;
  const char* missing = nullptr;
  if (!build_fonts(fonts_, scale_, &missing)) {
    error = std::string("missing font ") + (missing ? missing : "?") + " (apt-get install fonts-dejavu-core)";
    return false;
  }
  base_style_ = ImGuiStyle();
  base_sizes(base_style_);
  ImGui::GetStyle() = base_style_;
  ImGui::GetStyle().ScaleAllSizes(scale_);
  current_theme().apply(ImGui::GetStyle());

  // The scene list: registered scenes by key, placeholders for keys not built yet.
  for (int key = 1; key <= 6; ++key) {
    std::unique_ptr<Scene> s;
    for (const auto& entry : registered_scenes()) {
      if (entry.key == key) s = entry.make();
    }
    if (!s) s = std::make_unique<PlaceholderScene>(kSceneIds[key - 1], kSceneTitles[key - 1]);
    scenes_.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < scenes_.size(); ++i) {
    if (options_.scene == scenes_[i]->id()) current_ = i;
  }
  if (options_.scene != scenes_[current_]->id() && !(options_.scene == "all" && options_.report_clipped)) {
    error = "--scene: unknown scene \"" + options_.scene + "\" (conversation|upgrade|frame|masking|polling|tls)";
    return false;
  }
  bundled_ = bundled_captures();

  // The first feed: --replay, else live (the default mirror or --connect); a
  // headless run without either shows the first bundled capture.
  if (options_.bench_ingest > 0) {
    // The live path without a relay: a producer thread pushes into the feed's inbox (main.cpp).
    const std::string source = !options_.replay_file.empty() ? options_.replay_file : bundled_.empty() ? "" : bundled_.front();
    auto events = ReplayFeed::load(source);
    if (source.empty() || !events) {
      error = "--bench-ingest needs a capture: pass --replay FILE";
      return false;
    }
    bench_source_ = std::move(events).value();
    start_live("ws://127.0.0.1:9/mirror");   // the discard port: nothing answers, nothing interferes
    return true;
  }
  if (!options_.replay_file.empty()) {
    if (headless_) return load_capture_whole(options_.replay_file, options_.bench_events, error);
    if (!start_replay(options_.replay_file, error)) return false;
  } else if (headless_ && !options_.connect_given) {
    if (bundled_.empty()) {
      error = "no capture to show: pass --replay FILE or --connect URL (no bundled fixtures found)";
      return false;
    }
    return load_capture_whole(bundled_.front(), options_.bench_events, error);
  } else {
    if (!parse_ws_url(options_.connect_url)) {
      error = "--connect: expected ws://HOST:PORT/PATH, got \"" + options_.connect_url + "\"";
      return false;
    }
    start_live(options_.connect_url);
  }
  if (options_.paused && feed_) feed_->set_paused(true);
  if (!options_.follow.empty()) follow(options_.follow);
  return true;
}

void Shell::start_live(const std::string& url) {
  auto live = std::make_unique<LiveFeed>(url, *parse_ws_url(url));
  live_ = live.get();
  replay_ = nullptr;
  feed_ = std::move(live);
  model_.clear();
  selection_ = Selection{};
}

bool Shell::start_replay(const std::string& path, std::string& error) {
  auto events = ReplayFeed::load(path);
  if (!events) {
    error = path + ": " + events.error().reason;
    return false;
  }
  auto replay = std::make_unique<ReplayFeed>(std::move(events).value(), file_name(path));
  replay->set_speed(options_.speed);
  replay_ = replay.get();
  live_ = nullptr;
  feed_.reset();   // stops a live feed's worker first
  feed_ = std::move(replay);
  model_.clear();
  selection_ = Selection{};
  return true;
}

bool Shell::load_capture_whole(const std::string& path, std::size_t repeat_to, std::string& error) {
  if (!start_replay(path, error)) return false;
  const auto& events = replay_->events();
  if (repeat_to > events.size() && !events.empty()) {
    // Benchmarks: the capture repeated (seq and conn shifted, hello once) up to repeat_to events.
    std::uint64_t seq = 0, round = 0, max_conn = 1;
    for (const auto& e : events) {
      if (const auto* f = std::get_if<wire::Frame>(&e.body)) max_conn = std::max(max_conn, f->conn);
      if (const auto* h = std::get_if<wire::Http>(&e.body)) max_conn = std::max(max_conn, h->conn);
    }
    while (model_.ingested() < repeat_to) {
      for (const auto& e : events) {
        if (round > 0 && std::holds_alternative<wire::Hello>(e.body)) continue;
        wire::Event copy = e;
        copy.seq = seq++;
        copy.t_us = e.t_us + static_cast<std::int64_t>(round) * 60'000'000;
        std::visit([&](auto& b) {
          if constexpr (requires { b.conn; }) b.conn += round * (max_conn + 1);
        }, copy.body);
        model_.add(std::move(copy));
        if (model_.ingested() >= repeat_to) break;
      }
      ++round;
    }
    feed_.reset();
    replay_ = nullptr;
  } else {
    replay_->seek(replay_->total(), model_);
  }
  if (options_.select) select(*options_.select);
  if (!options_.follow.empty()) follow(options_.follow);
  return true;
}

void Shell::select(std::uint64_t seq) {
  selection_.seq = seq;
  if (const Entry* e = model_.by_seq(seq); e && e->conn) selection_.conn = e->conn;
}

bool Shell::scene_is_placeholder() const {
  return dynamic_cast<const PlaceholderScene*>(scenes_[current_].get()) != nullptr;
}

Inbox* Shell::bench_inbox() { return live_ ? &live_->inbox() : nullptr; }

bool Shell::saw_chat_event(const std::string& name, const std::string& who) const {
  for (std::size_t i = model_.size(); i > 0; --i) {
    if (const auto* ch = model_.at(i - 1).chat(); ch && ch->event == name && (who.empty() || ch->who == who)) return true;
  }
  return false;
}

namespace {
// A cleared selection that keeps following its stranger.
Selection cleared(const Selection& s) {
  Selection out;
  out.follow = s.follow;
  return out;
}

// The feed's state without its numbers: "reconnecting in 0.8 s" counting down
// is not worth a frame on its own; "connected" after it is.
std::string state_key(const Feed* feed) {
  std::string s = feed ? feed->state() : std::string();
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }), s.end());
  return s;
}
}  // namespace

// Idle drawing (visualizer/README.md "Idle"): on llvmpipe one frame costs a
// screen's worth of CPU, so an unchanged picture is not drawn again.
bool Shell::wants_frame() const {
  if (time_ < awake_until_ || pending_scale_ > 0.0f || help_ || follow_typing_) return true;
  if (model_.version() != drawn_version_) return true;
  if (feed_ && (feed_->waiting() != drawn_waiting_ || state_key(feed_.get()) != drawn_state_)) return true;
  if (replay_ && !replay_->paused() && replay_->waiting() > 0) return true;
  if (live_ && model_.empty() && live_->unconnected_for() < 1.5) return true;   // until the offer shows
  return !toast_.empty() && time_ <= toast_until_;
}

void Shell::poll_feed(double dt) {
  if (live_) live_->update(dt, model_);
}

void Shell::follow(const std::string& who) {
  follower_.set(who);
  selection_.follow = who;
  if (!who.empty()) {
    selection_.seq.reset();
    selection_.conn.reset();
  }
  apply_follow();
}

// While following, the selection tracks the stranger's newest frame (its
// connection, so the Upgrade scene shows their handshake).
void Shell::apply_follow() {
  if (!follower_.update(model_)) return;
  const auto seq = follower_.latest_frame();
  if (seq && model_.by_seq(*seq)) {
    select(*seq);
  } else {
    selection_.seq.reset();
    selection_.conn = follower_.conn();
  }
}

void Shell::before_frame() {
  if (pending_scale_ <= 0.0f) return;
  scale_ = std::clamp(pending_scale_, 1.0f, 3.0f);
  pending_scale_ = 0.0f;
  const char* missing = nullptr;
  if (!build_fonts(fonts_, scale_, &missing)) return;   // fonts were there at start; keep going
  Window::reload_font_texture();
  ImGui::GetStyle() = base_style_;
  ImGui::GetStyle().ScaleAllSizes(scale_);
  current_theme().apply(ImGui::GetStyle());
}

void Shell::set_scale(float s) { pending_scale_ = std::clamp(s, 1.0f, 3.0f); }

std::vector<std::string> Shell::scene_ids() const {
  std::vector<std::string> ids;
  for (const auto& sc : scenes_) ids.emplace_back(sc->id());
  return ids;
}

void Shell::show_scene(const std::string& id) {
  for (std::size_t i = 0; i < scenes_.size(); ++i) {
    if (id == scenes_[i]->id()) current_ = i;
  }
}

void Shell::apply(const Command& c) {
  if (const auto* su = std::get_if<SelectUnit>(&c)) {
    select(su->seq);
  } else if (const auto* sc = std::get_if<SelectConn>(&c)) {
    selection_.conn = sc->conn;
  } else if (std::holds_alternative<ClearSelection>(c)) {
    selection_ = cleared(selection_);
  } else if (const auto* fs = std::get_if<FollowStranger>(&c)) {
    follow(fs->label());
  } else if (const auto* ss = std::get_if<ShowScene>(&c)) {
    for (std::size_t i = 0; i < scenes_.size(); ++i) {
      if (std::string_view(ss->id) == scenes_[i]->id()) current_ = i;
    }
  } else if (const auto* pb = std::get_if<Playback>(&c)) {
    switch (pb->op) {
      case PlaybackOp::play: if (feed_) feed_->set_paused(false); break;
      case PlaybackOp::pause: if (feed_) feed_->set_paused(true); break;
      case PlaybackOp::toggle: if (feed_) feed_->set_paused(!feed_->paused()); break;
      case PlaybackOp::step_forward: next_event(); break;
      case PlaybackOp::step_back: previous_event(); break;
      case PlaybackOp::seek_index:
        if (replay_) replay_->seek(static_cast<std::size_t>(std::max(0.0, pb->value)), model_);
        break;
      case PlaybackOp::set_speed: if (replay_) replay_->set_speed(pb->value); break;
      case PlaybackOp::follow_latest: follow_latest(); break;
    }
  }
}

// Next: move the selection forward if the room went back; else reveal one more event.
void Shell::next_event() {
  if (!feed_) return;
  feed_->set_paused(true);
  if (selection_.seq) {
    if (auto idx = model_.find_seq(*selection_.seq); idx && *idx + 1 < model_.size()) {
      select(model_.at(*idx + 1).seq());
      return;
    }
  }
  if (auto seq = feed_->step_forward(model_)) select(*seq);
}

// Previous: a replay un-reveals its newest event; live, the selection moves back.
void Shell::previous_event() {
  if (!feed_) return;
  feed_->set_paused(true);
  if (replay_) {
    const bool selected_newest = !selection_.seq || (!model_.empty() && *selection_.seq == model_.back().seq());
    if (selected_newest && replay_->step_back(model_)) {
      if (!model_.empty()) select(model_.back().seq());
      else selection_ = cleared(selection_);
      return;
    }
  }
  if (model_.empty()) return;
  std::size_t idx = model_.size() - 1;
  if (selection_.seq) {
    if (auto i = model_.find_seq(*selection_.seq)) idx = *i > 0 ? *i - 1 : 0;
  }
  select(model_.at(idx).seq());
}

void Shell::follow_latest() {
  if (feed_) feed_->set_paused(false);
  selection_ = cleared(selection_);
}

void Shell::frame(float dt) {
  time_ += static_cast<double>(dt);
  if (feed_) feed_->update(static_cast<double>(dt), model_);
  if (follower_.active()) apply_follow();
  if (!headless_) handle_keys();

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // A short screen (1280x720 at display scale 3 is 240 px tall at 1x) keeps its
  // vertical gaps small, in the bars and the scene alike: at the normal sizes
  // the two bars and the gaps took more than half of it, and the scene got 4 lines.
  const bool short_screen = vp->Size.y < fonts_.px(FontSizes::body) * 14.0f;
  const ImGuiStyle& st = ImGui::GetStyle();
  if (short_screen) {
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(st.WindowPadding.x * 0.75f, fonts_.px(3.0f)));
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(st.FramePadding.x, fonts_.px(2.0f)));
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(st.ItemSpacing.x, fonts_.px(3.0f)));
  }
  const float bar_h = ImGui::GetFrameHeight() + ImGui::GetStyle().WindowPadding.y * 2.0f;
  draw_top_bar(bar_h);
  const bool paused = feed_ ? feed_->paused() : true;
  SceneContext ctx{model_, selection_, current_theme(), fonts_, dt, time_, paused, headless_, &commands_};
  if (!options_.expect_text.empty()) ctx.drawn_text = &scene_text_;
  scenes_[current_]->show(ctx, ImVec2(vp->Pos.x, vp->Pos.y + bar_h), ImVec2(vp->Size.x, vp->Size.y - 2 * bar_h));
  draw_status_bar(vp->Pos.y + vp->Size.y - bar_h, bar_h);
  if (short_screen) ImGui::PopStyleVar(3);
  draw_no_relay_offer();
  draw_toast();
  if (help_) draw_help_overlay();
  if (blackout_) draw_blackout();

  std::vector<Command> pending;
  pending.swap(commands_);
  for (const auto& c : pending) apply(c);
  if (!pending.empty()) keep_awake(0.3);
  // New events animate for 0.7 s (scenes/conversation.cpp): keep drawing a little longer.
  if (model_.version() != drawn_version_) keep_awake(1.0);
  drawn_version_ = model_.version();
  drawn_waiting_ = feed_ ? feed_->waiting() : 0;
  drawn_state_ = state_key(feed_.get());
}

std::string Shell::view_summary() const {
  std::string out = "{\"scene\":\"";
  out += scenes_[current_]->id();
  out += "\",\"follow\":\"" + selection_.follow + "\"";
  const std::string shown = scenes_[current_]->shown();
  if (!shown.empty()) out += "," + shown;
  return out + "}";
}

}  // namespace viz
