// Shared drawing helpers (see widgets.h).
#include "ui/widgets.h"

#include "imgui_internal.h"   // GetContentRegionMaxAbs: where the current line ends (a table cell, a column)

namespace viz {

void help_marker(const SceneContext& ctx, const char* text) {
  same_line_if_fits(ImGui::CalcTextSize("(?)").x);
  ImGui::PushStyleColor(ImGuiCol_Text, ctx.theme.accent);
  ImGui::TextUnformatted("(?)");
  ImGui::PopStyleColor();
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ctx.fonts.px(560.0f));
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

void heading(const SceneContext& ctx, const char* text) {
  ImGui::PushFont(ctx.fonts.heading);
  ImGui::PushTextWrapPos(0.0f);   // wraps at the panel's edge: a large display scale gets two lines, not a cut one
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y), ImVec2(p.x + w, p.y), Theme::u32(ctx.theme.border),
                                      ctx.fonts.px(2.0f));
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
}

void kind_chip(const SceneContext& ctx, UnitKind kind, const char* label) {
  const char* text = label ? label : unit_kind_name(kind);
  const ImVec2 ts = ImGui::CalcTextSize(text);
  const float pad = ctx.fonts.px(6.0f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 size(ts.x + 2 * pad, ts.y + pad);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), ctx.theme.kind_u32(kind), ctx.fonts.px(5.0f));
  dl->AddText(ImVec2(p.x + pad, p.y + pad * 0.5f), Theme::u32(ctx.theme.on_kind), text);
  ImGui::Dummy(size);
  ImGui::SameLine();
}

void violation_banner(const SceneContext& ctx, const char* rule, const char* action) {
  const float w = ImGui::GetContentRegionAvail().x;
  const float pad = ctx.fonts.px(10.0f);
  ImGui::PushFont(ctx.fonts.bold);
  const float wrap = w - 2 * pad;
  const ImVec2 rs = ImGui::CalcTextSize(rule, nullptr, false, wrap);
  const ImVec2 as = action && *action ? ImGui::CalcTextSize(action, nullptr, false, wrap) : ImVec2(0, 0);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = rs.y + as.y + 2 * pad + (as.y > 0 ? ctx.fonts.px(4.0f) : 0.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), Theme::u32(ctx.theme.violation), ctx.fonts.px(6.0f));
  const ImU32 fg = ctx.theme.id == ThemeId::light ? IM_COL32_WHITE : IM_COL32_BLACK;
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + pad, p.y + pad), fg, rule, nullptr, wrap);
  if (as.y > 0)
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + pad, p.y + pad + rs.y + ctx.fonts.px(4.0f)), fg,
                action, nullptr, wrap);
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(w, h));
}

bool same_line_if_fits(float width, float spacing) {
  // Measured from the last item's end before moving: a SameLine undone by NewLine would still
  // have stretched the window's content by its spacing.
  const float gap = spacing < 0.0f ? ImGui::GetStyle().ItemSpacing.x : spacing;
  if (ImGui::GetItemRectMax().x + gap + width > ImGui::GetContentRegionMaxAbs().x) return false;
  ImGui::SameLine(0.0f, spacing);
  return true;
}

void text_wrapped_colored(const ImVec4& color, const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

bool text_wrapped_if_room(const ImVec4& color, const char* text) {
  if (!room_for(wrapped_height(text))) return false;
  text_wrapped_colored(color, text);
  return true;
}

std::string fit_text(const std::string& text, float width) {
  if (ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  std::string cut = text;
  while (!cut.empty()) {
    // Drop one UTF-8 character from the end.
    std::size_t n = cut.size() - 1;
    while (n > 0 && (static_cast<unsigned char>(cut[n]) & 0xC0) == 0x80) --n;
    cut.resize(n);
    if (ImGui::CalcTextSize((cut + "…").c_str()).x <= width) return cut + "…";
  }
  return "…";
}

bool room_for(float h) { return ImGui::GetContentRegionAvail().y >= h; }

float wrapped_height(const char* text) {
  return ImGui::CalcTextSize(text, nullptr, false, ImGui::GetContentRegionAvail().x).y;
}

float lines_left() { return ImGui::GetContentRegionAvail().y / ImGui::GetTextLineHeightWithSpacing(); }

void empty_note(const SceneContext& ctx, const char* text) {
  ImGui::PushFont(ctx.fonts.heading);
  const bool big = room_for(wrapped_height(text) + ImGui::GetTextLineHeightWithSpacing());
  ImGui::PopFont();
  ImGui::PushFont(big ? ctx.fonts.heading : ctx.fonts.body);
  if (!text_wrapped_if_room(ctx.theme.text_dim, text)) {
    ImGui::PushStyleColor(ImGuiCol_Text, ctx.theme.text_dim);
    ImGui::TextUnformatted(fit_text(text, ImGui::GetContentRegionAvail().x).c_str());   // one line, elided
    ImGui::PopStyleColor();
  }
  ImGui::PopFont();
}

void default_note(const SceneContext& ctx, const char* what) {
  ImGui::PushStyleColor(ImGuiCol_Text, ctx.theme.text_dim);
  ImGui::TextWrapped("Nothing selected: showing %s. Click a unit in the Conversation (key 1) to choose.", what);
  ImGui::PopStyleColor();
}

}  // namespace viz
