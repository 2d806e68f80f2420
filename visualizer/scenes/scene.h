// Scenes: one per teaching idea, keys 1-6. The Scene base owns the
// ImGui window (Begin/End, position, size, flags); a scene only draws its
// content inside it. Scenes read the Model and never change it: selecting a
// unit or driving playback goes out as a typed Command that the shell applies
// between frames. Every scene registers itself in the one scene list
// (register_scene in scenes/scene.cpp) with WIRELAB_REGISTER_SCENE, so adding a scene file is
// enough: no other file changes.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "imgui.h"

#include "model/model.h"
#include "ui/fonts.h"
#include "ui/theme.h"

namespace viz {

// What the room is looking at, shared by every scene.
struct Selection {
  std::optional<std::uint64_t> seq;     // the selected unit (http or frame event); nullopt = scene's default
  std::optional<std::uint64_t> conn;    // the selected connection (set with seq, or alone)
  int hovered_field = -1;               // frame anatomy: the header field under the mouse (-1 none); a scene may write it
  std::string follow;                   // "Stranger 4cba" while following one stranger ("find my frame"), else ""
};

// --- Commands: scenes post them, the shell applies them after the frame.
struct SelectUnit { std::uint64_t seq = 0; };       // also selects its connection
struct SelectConn { std::uint64_t conn = 0; };
struct ClearSelection {};                           // keeps `follow`
// "Stranger 4cba" (NUL-terminated; "" stops following). A fixed buffer, not a
// std::string: GCC 12 -O2 warns falsely (-Wmaybe-uninitialized) on a string in the variant.
struct FollowStranger {
  std::array<char, 24> who{};
  static FollowStranger of(std::string_view label) {
    FollowStranger f;
    label.copy(f.who.data(), std::min(label.size(), f.who.size() - 1));
    return f;
  }
  std::string label() const { return std::string(who.data()); }
};
struct ShowScene { const char* id = "conversation"; };   // "conversation" | "upgrade" | "frame" | "masking" | "polling" | "tls"
enum class PlaybackOp : std::uint8_t { play, pause, toggle, step_forward, step_back, seek_index, set_speed, follow_latest };
struct Playback { PlaybackOp op = PlaybackOp::toggle; double value = 0.0; };   // seek_index: an index; set_speed: 0.25..8
using Command = std::variant<SelectUnit, SelectConn, ClearSelection, ShowScene, Playback, FollowStranger>;

// Everything a scene may use while drawing one frame.
struct SceneContext {
  const Model& model;
  Selection& selection;                 // read it; change seq/conn only through post()
  const Theme& theme;
  const Fonts& fonts;
  float dt = 0.0f;                      // seconds since the last frame; FIXED in --screenshot mode
  double time = 0.0;                    // sum of dt since start: drive every animation from dt/time only
  bool paused = false;                  // playback / live feed paused (step mode)
  bool headless = false;                // --screenshot: no mouse; draw the default view
  std::vector<Command>* commands = nullptr;
  std::string* drawn_text = nullptr;    // set by the shell for --expect-text: receives the text the scene drew

  void post(Command c) const { if (commands) commands->push_back(std::move(c)); }
  // The selected entry, or nullptr when nothing (or an evicted unit) is selected.
  const Entry* selected() const { return selection.seq ? model.by_seq(*selection.seq) : nullptr; }
};

class Scene {
 public:
  virtual ~Scene() = default;
  virtual const char* id() const = 0;       // "conversation" | "upgrade" | "frame" | "masking" | "polling" | "tls"
  virtual const char* title() const = 0;    // "Conversation", "The Upgrade", ... shown in the tab bar
  virtual void draw(SceneContext& ctx) = 0; // content only: the window is already begun
  // What the last draw showed, as JSON object members (`"rows":[12,14]`), for
  // --print-view and the tests that check it; "" when the scene says nothing.
  virtual std::string shown() const { return {}; }

  // Called by the shell: Begin a borderless window filling [pos, pos+size),
  // draw(), End(). Scenes do not override it.
  void show(SceneContext& ctx, ImVec2 pos, ImVec2 size);
};

using SceneFactory = std::unique_ptr<Scene> (*)();

// The scene list: every scene registers here. key: 1-6, the presenter key and tab order.
bool register_scene(int key, SceneFactory make);
struct SceneEntry { int key; SceneFactory make; };
const std::vector<SceneEntry>& registered_scenes();   // sorted by key

}  // namespace viz

// In a scene's .cpp, at namespace scope:
//   WIRELAB_REGISTER_SCENE(3, [] () -> std::unique_ptr<viz::Scene> { return std::make_unique<FrameAnatomyScene>(); })
#define WIRELAB_REGISTER_SCENE_CAT2(a, b) a##b
#define WIRELAB_REGISTER_SCENE_CAT(a, b) WIRELAB_REGISTER_SCENE_CAT2(a, b)
#define WIRELAB_REGISTER_SCENE(key, factory) \
  static const bool WIRELAB_REGISTER_SCENE_CAT(wirelab_scene_registered_, __COUNTER__) = ::viz::register_scene((key), (factory))
