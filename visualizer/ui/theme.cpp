// The three themes. Colours were chosen for a projector: saturated kind
// colours that stay apart for colour-blind viewers by lightness too, and body
// text at 7:1 or more on every surface it sits on (theme_test checks it).
#include "ui/theme.h"

#include <cmath>
#include <cstring>

namespace viz {
namespace {

ImVec4 rgb(int hex) {
  return ImVec4(static_cast<float>((hex >> 16) & 0xFF) / 255.0f, static_cast<float>((hex >> 8) & 0xFF) / 255.0f,
                static_cast<float>(hex & 0xFF) / 255.0f, 1.0f);
}

Theme make_dark() {
  Theme t;
  t.id = ThemeId::dark;
  t.name = "dark";
  t.background = rgb(0x0F1419);
  t.panel = rgb(0x171E26);
  t.panel_alt = rgb(0x1F2832);
  t.border = rgb(0x3A4754);
  t.text = rgb(0xF2F4F7);
  t.text_dim = rgb(0xCAD2DA);   // >= 7:1 on every surface, selection_bg included: read from the back of a room
  t.accent = rgb(0x4FC3F7);
  t.selection_bg = rgb(0x1F3A52);
  t.ok = rgb(0x69DB7C);
  t.bad = rgb(0xFF6B6B);
  t.warn = rgb(0xFFD43B);
  t.http = rgb(0xFFA94D);
  t.text_frame = rgb(0x69DB7C);
  t.binary_frame = rgb(0xB197FC);
  t.control = rgb(0xFFE066);
  t.close = rgb(0xF783AC);
  t.raw = rgb(0xADB5BD);
  t.meta = rgb(0x74C0FC);
  t.violation = rgb(0xFF4D4D);
  t.on_kind = rgb(0x0F1419);
  t.lane_a = rgb(0x74C0FC);
  t.lane_relay = rgb(0xCED4DA);
  t.lane_b = rgb(0xFFC078);
  return t;
}

Theme make_light() {
  Theme t;
  t.id = ThemeId::light;
  t.name = "light";
  t.background = rgb(0xFFFFFF);
  t.panel = rgb(0xF4F5F7);
  t.panel_alt = rgb(0xE9ECEF);
  t.border = rgb(0xADB5BD);
  t.text = rgb(0x111418);
  t.text_dim = rgb(0x3C434A);   // >= 7:1 on every surface, selection_bg included
  t.accent = rgb(0x0B62A4);
  t.selection_bg = rgb(0xD0E6F8);
  t.ok = rgb(0x1E7B34);
  t.bad = rgb(0xB3261E);
  t.warn = rgb(0x8A5A00);
  t.http = rgb(0xB54708);
  t.text_frame = rgb(0x1E7B34);
  t.binary_frame = rgb(0x5F3DC4);
  t.control = rgb(0x7A5C00);
  t.close = rgb(0xA61E4D);
  t.raw = rgb(0x495057);
  t.meta = rgb(0x0B62A4);
  t.violation = rgb(0xC92A2A);
  t.on_kind = rgb(0xFFFFFF);
  t.lane_a = rgb(0x0B62A4);
  t.lane_relay = rgb(0x495057);
  t.lane_b = rgb(0xB54708);
  return t;
}

Theme make_high_contrast() {
  Theme t;
  t.id = ThemeId::high_contrast;
  t.name = "contrast";
  t.background = rgb(0x000000);
  t.panel = rgb(0x000000);
  t.panel_alt = rgb(0x141414);
  t.border = rgb(0xFFFFFF);
  t.text = rgb(0xFFFFFF);
  t.text_dim = rgb(0xE0E0E0);
  t.accent = rgb(0x00E5FF);
  t.selection_bg = rgb(0x003A66);
  t.ok = rgb(0x00FF66);
  t.bad = rgb(0xFF7575);
  t.warn = rgb(0xFFFF00);
  t.http = rgb(0xFFB000);
  t.text_frame = rgb(0x00FF66);
  t.binary_frame = rgb(0x00E5FF);
  t.control = rgb(0xFFFF00);
  t.close = rgb(0xFF80FF);
  t.raw = rgb(0xFFFFFF);
  t.meta = rgb(0x9AD0FF);
  t.violation = rgb(0xFF7575);
  t.on_kind = rgb(0x000000);
  t.lane_a = rgb(0x00E5FF);
  t.lane_relay = rgb(0xFFFFFF);
  t.lane_b = rgb(0xFFB000);
  return t;
}

ImVec4 mix(const ImVec4& a, const ImVec4& b, float t) {
  return ImVec4(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t, 1.0f);
}

double linear(float c) {
  const double v = c;
  return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

double luminance(const ImVec4& c) { return 0.2126 * linear(c.x) + 0.7152 * linear(c.y) + 0.0722 * linear(c.z); }

}  // namespace

const char* theme_id_name(ThemeId id) {
  switch (id) {
    case ThemeId::dark: return "dark";
    case ThemeId::light: return "light";
    case ThemeId::high_contrast: return "contrast";
  }
  return "dark";
}

bool parse_theme_id(const char* s, ThemeId& out) {
  if (std::strcmp(s, "dark") == 0) out = ThemeId::dark;
  else if (std::strcmp(s, "light") == 0) out = ThemeId::light;
  else if (std::strcmp(s, "contrast") == 0 || std::strcmp(s, "high-contrast") == 0 || std::strcmp(s, "high_contrast") == 0)
    out = ThemeId::high_contrast;
  else return false;
  return true;
}

const Theme& theme(ThemeId id) {
  static const Theme dark = make_dark(), light = make_light(), contrast = make_high_contrast();
  switch (id) {
    case ThemeId::light: return light;
    case ThemeId::high_contrast: return contrast;
    case ThemeId::dark: break;
  }
  return dark;
}

double contrast_ratio(const ImVec4& fg, const ImVec4& bg) {
  const double a = luminance(fg) + 0.05, b = luminance(bg) + 0.05;
  return a > b ? a / b : b / a;
}

ImVec4 Theme::kind_color(UnitKind k) const {
  switch (k) {
    case UnitKind::http: return http;
    case UnitKind::text: return text_frame;
    case UnitKind::binary: return binary_frame;
    case UnitKind::control: return control;
    case UnitKind::close: return close;
    case UnitKind::raw: return raw;
    case UnitKind::meta: return meta;
    case UnitKind::violation: return violation;
    case UnitKind::tls: return meta;
  }
  return text;
}

ImU32 Theme::u32(const ImVec4& c, float alpha) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.x, c.y, c.z, c.w * alpha)); }

ImU32 Theme::kind_u32(UnitKind k, float alpha) const { return u32(kind_color(k), alpha); }

void Theme::apply(ImGuiStyle& style) const {
  ImVec4* c = style.Colors;
  const bool dark_bg = luminance(background) < 0.2;
  c[ImGuiCol_Text] = text;
  c[ImGuiCol_TextDisabled] = text_dim;
  c[ImGuiCol_WindowBg] = background;
  c[ImGuiCol_ChildBg] = panel;
  c[ImGuiCol_PopupBg] = panel_alt;
  c[ImGuiCol_Border] = border;
  c[ImGuiCol_BorderShadow] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_FrameBg] = panel_alt;
  c[ImGuiCol_FrameBgHovered] = mix(panel_alt, accent, 0.25f);
  c[ImGuiCol_FrameBgActive] = mix(panel_alt, accent, 0.4f);
  c[ImGuiCol_TitleBg] = panel;
  c[ImGuiCol_TitleBgActive] = panel_alt;
  c[ImGuiCol_TitleBgCollapsed] = panel;
  c[ImGuiCol_MenuBarBg] = panel;
  c[ImGuiCol_ScrollbarBg] = panel;
  c[ImGuiCol_ScrollbarGrab] = border;
  c[ImGuiCol_ScrollbarGrabHovered] = mix(border, accent, 0.5f);
  c[ImGuiCol_ScrollbarGrabActive] = accent;
  c[ImGuiCol_CheckMark] = accent;
  c[ImGuiCol_SliderGrab] = accent;
  c[ImGuiCol_SliderGrabActive] = mix(accent, text, 0.3f);
  c[ImGuiCol_Button] = panel_alt;
  c[ImGuiCol_ButtonHovered] = mix(panel_alt, accent, 0.3f);
  c[ImGuiCol_ButtonActive] = mix(panel_alt, accent, 0.5f);
  c[ImGuiCol_Header] = selection_bg;
  c[ImGuiCol_HeaderHovered] = mix(selection_bg, accent, 0.2f);
  c[ImGuiCol_HeaderActive] = mix(selection_bg, accent, 0.35f);
  c[ImGuiCol_Separator] = border;
  c[ImGuiCol_SeparatorHovered] = accent;
  c[ImGuiCol_SeparatorActive] = accent;
  c[ImGuiCol_ResizeGrip] = border;
  c[ImGuiCol_ResizeGripHovered] = accent;
  c[ImGuiCol_ResizeGripActive] = accent;
  c[ImGuiCol_Tab] = panel;
  c[ImGuiCol_TabHovered] = mix(panel, accent, 0.35f);
  c[ImGuiCol_TabActive] = selection_bg;
  c[ImGuiCol_TabUnfocused] = panel;
  c[ImGuiCol_TabUnfocusedActive] = selection_bg;
  c[ImGuiCol_PlotLines] = accent;
  c[ImGuiCol_PlotLinesHovered] = warn;
  c[ImGuiCol_PlotHistogram] = accent;
  c[ImGuiCol_PlotHistogramHovered] = warn;
  c[ImGuiCol_TableHeaderBg] = panel_alt;
  c[ImGuiCol_TableBorderStrong] = border;
  c[ImGuiCol_TableBorderLight] = mix(panel, border, 0.5f);
  c[ImGuiCol_TableRowBg] = ImVec4(0, 0, 0, 0);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(panel_alt.x, panel_alt.y, panel_alt.z, 0.6f);
  c[ImGuiCol_TextSelectedBg] = ImVec4(accent.x, accent.y, accent.z, 0.35f);
  c[ImGuiCol_DragDropTarget] = warn;
  c[ImGuiCol_NavHighlight] = accent;
  c[ImGuiCol_NavWindowingHighlight] = accent;
  c[ImGuiCol_NavWindowingDimBg] = ImVec4(0, 0, 0, 0.5f);
  c[ImGuiCol_ModalWindowDimBg] = dark_bg ? ImVec4(0, 0, 0, 0.6f) : ImVec4(0.1f, 0.1f, 0.1f, 0.4f);
}

}  // namespace viz
