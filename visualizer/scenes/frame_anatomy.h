// Scene 3, Frame anatomy: the scene class, shared by frame_anatomy.cpp (the
// bit diagram, the hex view, the field table) and frame_anatomy_text.cpp (the
// header read aloud and the payload). Private to the scene: nothing else includes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenes/scene.h"
#include "teach/frame_layout.h"

namespace viz::frame_anatomy {

using teach::FieldId;
using teach::FrameField;

ImVec4 field_color(const Theme& t, FieldId id);   // one fill per field, from the theme's kind colours
const char* short_name(FieldId id);               // "FIN", "R1", "opcode", "M", "len", ...

class FrameAnatomyScene final : public Scene {
 public:
  const char* id() const override { return "frame"; }
  const char* title() const override { return "Frame anatomy"; }
  void draw(SceneContext& ctx) override;
  std::string shown() const override {
    return shown_seq_ ? "\"seq\":" + std::to_string(*shown_seq_) : std::string("\"seq\":null");
  }

 private:
  std::optional<std::uint64_t> shown_seq_;   // the frame the last draw showed
  static constexpr float kCompactLines = 14.0f;   // fewer lines of body text than this: the compact layout
  bool compact_ = false;
  const Entry* pick(const SceneContext& ctx, bool& is_default);
  void draw_bits(SceneContext& ctx, const std::vector<FrameField>& fields, std::size_t header_len);
  void draw_hex(SceneContext& ctx, const Entry& e, const std::vector<FrameField>& fields);
  void draw_fields(SceneContext& ctx, const std::vector<FrameField>& fields);
  void draw_reading(SceneContext& ctx, const wire::Frame& f, const std::vector<FrameField>& fields);
  void draw_values_compact(const std::vector<FrameField>& fields);
  void draw_payload(SceneContext& ctx, const Entry& e);
  bool field_lit(const std::vector<FrameField>& fields, std::size_t k) const;
  bool byte_lit(const std::vector<FrameField>& fields, std::size_t i) const;

  // Hover is read from the previous frame and collected for the next, so the
  // hex view (drawn first) lights up for a field hovered in the table.
  int hovered_field_ = -1, hovered_byte_ = -1;
  int next_field_ = -1, next_byte_ = -1;
  std::uint64_t cached_version_ = ~std::uint64_t{0};
  std::optional<std::uint64_t> cached_default_;
};

}  // namespace viz::frame_anatomy
