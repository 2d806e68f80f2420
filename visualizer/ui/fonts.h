// Fonts for a projector (issue 4 §4): DejaVu Sans and DejaVu Sans Mono TTF,
// never ImGui's default bitmap font. Sizes are in pixels at display scale 1x
// on a 1920x1080 window; nothing is smaller than 20 px. A display-scale
// change REBUILDS the atlas at px * scale between frames (never
// FontGlobalScale, which blurs): app/ calls rebuild(); scenes only read the
// ImFont pointers, which change after a rebuild, so never cache them across frames.
#pragma once

#include "imgui.h"

namespace viz {

struct FontSizes {
  static constexpr float body = 22.0f;     // all running text, lists, buttons
  static constexpr float mono = 22.0f;     // hex views, header lines, payloads
  static constexpr float heading = 28.0f;  // panel headings
  static constexpr float title = 40.0f;    // a scene's one big statement ("Sec-WebSocket-Accept ✓")
  static constexpr float mono_big = 34.0f; // bit diagrams, the masking key
};

struct Fonts {
  ImFont* body = nullptr;      // DejaVu Sans
  ImFont* bold = nullptr;      // DejaVu Sans Bold, body size
  ImFont* heading = nullptr;   // DejaVu Sans Bold
  ImFont* title = nullptr;     // DejaVu Sans Bold
  ImFont* mono = nullptr;      // DejaVu Sans Mono
  ImFont* mono_big = nullptr;  // DejaVu Sans Mono Bold
  float scale = 1.0f;          // display scale the atlas was built for (1 .. 3)

  // px at the current scale, for layout: ctx.fonts.px(FontSizes::body).
  float px(float px_at_1x) const { return px_at_1x * scale; }
};

// Glyph ranges every font gets: Basic Latin + Latin-1, General Punctuation
// (en/em dash, ellipsis, bullet), Arrows (← → ↔ ⇒), Box Drawing, Geometric
// Shapes (▶ ■), check marks (✓ ✗), U+FFFD.
const ImWchar* glyph_ranges();

// Clears io.Fonts and loads every font at px * scale. Returns false (with the
// missing path in *error) when a TTF is missing: the caller then stops with a
// message naming fonts-dejavu-core. Must run outside NewFrame()/Render(); the
// caller then recreates the GL font texture.
bool build_fonts(Fonts& fonts, float scale, const char** error);

// Where the DejaVu TTFs are looked for (first match wins): $WIRELAB_FONT_DIR,
// then /usr/share/fonts/truetype/dejavu.
const char* font_dir();

}  // namespace viz
