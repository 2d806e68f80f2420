// Colours for a projector (readable from the back of a room): dark, light and high contrast. Every
// unit kind has one colour used everywhere (lanes, list, hex views, bars), so
// "green is text, orange is HTTP" holds across scenes. Body text keeps a
// contrast ratio of at least 7:1 against its background in every theme
// (WCAG AAA; checked by tests/visualizer/theme_test.cpp).
#pragma once

#include <cstdint>

#include "imgui.h"

#include "model/model.h"

namespace viz {

enum class ThemeId : std::uint8_t { dark, light, high_contrast };
const char* theme_id_name(ThemeId id);            // "dark" | "light" | "contrast"
bool parse_theme_id(const char* s, ThemeId& out); // accepts "dark", "light", "contrast", "high-contrast"

struct Theme {
  ThemeId id = ThemeId::dark;
  const char* name = "dark";

  // Surfaces and text.
  ImVec4 background;     // the window clear colour and scene windows
  ImVec4 panel;          // child panels, cards
  ImVec4 panel_alt;      // alternate rows, code blocks
  ImVec4 border;
  ImVec4 text;           // body text: >= 7:1 on background, panel and panel_alt
  ImVec4 text_dim;       // secondary text: also >= 7:1 (read from the back of a room)
  ImVec4 accent;         // selection outline, focus, links
  ImVec4 selection_bg;   // selected row background (text stays >= 7:1 on it)
  ImVec4 ok;             // a check that passed (accept key matches)
  ImVec4 bad;            // a check that failed, violations
  ImVec4 warn;           // dropped events, truncated payloads

  // One colour per unit kind (fills of arrows, bars, hex-byte backgrounds).
  ImVec4 http, text_frame, binary_frame, control, close, raw, meta, violation;
  // Text drawn ON a kind-coloured fill (e.g. a label inside an arrow).
  ImVec4 on_kind;

  // The three lanes of the Conversation scene: Stranger A | Relay | Stranger B.
  ImVec4 lane_a, lane_relay, lane_b;

  ImVec4 kind_color(UnitKind k) const;
  ImU32 kind_u32(UnitKind k, float alpha = 1.0f) const;
  static ImU32 u32(const ImVec4& c, float alpha = 1.0f);

  // Sets ImGui's style colours from this theme (does not touch sizes).
  void apply(ImGuiStyle& style) const;
};

const Theme& theme(ThemeId id);

// WCAG 2.x contrast ratio of two opaque colours (1.0 .. 21.0).
double contrast_ratio(const ImVec4& fg, const ImVec4& bg);

}  // namespace viz
