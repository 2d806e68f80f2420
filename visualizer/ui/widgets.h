// Small drawing helpers every scene shares, so the same idea looks the same
// everywhere: a help marker citing an RFC section, a heading, a
// coloured chip for a unit kind, a violation banner that stands out.
#pragma once

#include <string>

#include "imgui.h"

#include "model/model.h"
#include "scenes/scene.h"

namespace viz {

// "(?)" after the previous item; hovering shows `text` (e.g. "RFC 6455 5.2: ...").
void help_marker(const SceneContext& ctx, const char* text);
// A heading line in the heading font with a rule under it.
void heading(const SceneContext& ctx, const char* text);
// A filled rounded label in the kind's colour ("HTTP", "text", ...), same line as the next item.
void kind_chip(const SceneContext& ctx, UnitKind kind, const char* label = nullptr);
// A full-width red banner with a white bold line: use it wherever a violation is shown.
void violation_banner(const SceneContext& ctx, const char* rule, const char* action);
// The next item (`width` px) goes on this line when it fits (true), else on the next one: never past the edge.
bool same_line_if_fits(float width, float spacing = -1.0f);
// Text wrapped at the window edge in the body font and a colour.
void text_wrapped_colored(const ImVec4& color, const char* text);
// The same, only when all of it fits the height left in the panel; returns whether it was drawn.
bool text_wrapped_if_room(const ImVec4& color, const char* text);
// `text` cut at a UTF-8 boundary and ended with "…" so it fits `width` in the current font.
std::string fit_text(const std::string& text, float width);
// Vertical room, for panels that allocate by available height: true when `h` px
// more fit above the bottom edge of the current window or child.
bool room_for(float h);
// The height of `text` wrapped at the current panel's width in the current font.
float wrapped_height(const char* text);
// Lines of body text (with their spacing) that fit below the cursor: a scene on a short
// window (a large display scale) picks a compact layout from it.
float lines_left();
// What a scene says before it has anything to show ("No client frames yet..."), dim: in the
// heading font when it fits the height left, else in the body font, as far as it fits.
void empty_note(const SceneContext& ctx, const char* text);
// "No unit selected: showing <what>" in dim text, so the room knows why.
void default_note(const SceneContext& ctx, const char* what);

}  // namespace viz
