// Scene 1, Conversation (issue 4 §3.1): lanes Stranger A | Relay | Stranger B
// with every HTTP message and frame drawn as an arrow, animated as it travels
// and coloured by kind; beside it the event list (filters data / control /
// HTTP / violations, search, ImGuiListClipper). Clicking selects a unit for
// the other scenes. Violations are drawn red and loud.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "model/describe.h"
#include "scenes/scene.h"

namespace viz {

class ConversationScene final : public Scene {
 public:
  const char* id() const override { return "conversation"; }
  const char* title() const override { return "Conversation"; }
  void draw(SceneContext& ctx) override;
  std::string shown() const override;   // lanes, their connections and the rows drawn

 private:
  // Which strangers the lanes show, and which connections belong to each side.
  struct Focus {
    std::string a, b;                        // "Stranger 7f3a"; "" when unknown
    std::vector<std::uint64_t> conns_a, conns_b;
    bool follow = false;                     // following a: b is only named, none of b's units are rows
    bool operator==(const Focus&) const = default;
  };
  enum class Side : std::uint8_t { none, a, b, relay };

  Focus choose_focus(const SceneContext& ctx) const;
  Side side_of(const Entry& e) const;
  void sync_rows(const SceneContext& ctx);
  void sync_list(const SceneContext& ctx);
  void note_arrivals(const SceneContext& ctx);
  void draw_lanes(SceneContext& ctx, float width, float height);
  bool short_ = false;   // this frame: a short window (see draw)
  void draw_lane_header(SceneContext& ctx, float x_a, float x_r, float x_b, float y);
  void draw_row(SceneContext& ctx, const Entry& e, ImVec2 origin, float width, float row_h, float x_a, float x_r,
                float x_b, bool selected);
  void draw_list(SceneContext& ctx, float width, float height);
  bool draw_list_filters(SceneContext& ctx);   // true when a filter changed
  void draw_details(SceneContext& ctx, float width);
  static const char* details_hint(float width);   // the hint shown with nothing selected
  float reveal_progress(const SceneContext& ctx, std::uint64_t seq) const;

  Focus focus_;
  std::uint64_t focus_version_ = UINT64_MAX;   // model.version() when focus_ was chosen
  std::optional<std::uint64_t> focus_conn_;     // selection.conn then
  std::string focus_follow_;                    // selection.follow then
  // Lane rows (seqs of entries on the focused strangers' connections), kept
  // incrementally: only new entries are scanned each frame.
  std::vector<std::uint64_t> rows_;
  std::uint64_t rows_generation_ = UINT64_MAX, rows_ingested_ = 0;
  // Event-list rows under the current filter.
  ListFilter filter_;
  char search_[96] = {};
  std::vector<std::uint64_t> list_;
  std::uint64_t list_generation_ = UINT64_MAX, list_ingested_ = 0;
  bool list_dirty_ = true;
  std::string list_follow_;                     // selection.follow when list_ was built
  // Arrivals still animating: (seq, time revealed).
  std::deque<std::pair<std::uint64_t, double>> arrivals_;
  std::uint64_t arrivals_generation_ = UINT64_MAX, arrivals_ingested_ = 0;
  std::optional<std::uint64_t> lanes_scrolled_to_, list_scrolled_to_;
  int list_rows_shown_ = 0;                     // event-list rows wholly on screen last frame (--print-view)
};

}  // namespace viz
