// --report-clipped (see clip_report.h). ImGui 1.86 has no public walk over
// its windows, so this reads imgui_internal.h's ImGuiContext::Windows.
#include "app/clip_report.h"

#include <cmath>
#include <cstdio>
#include <string_view>

#include "imgui.h"
#include "imgui_internal.h"

namespace viz {
namespace {
constexpr float kSlack = 1.0f;   // sub-pixel rounding is not a cut

// A scrolling table (the event list) or a child labelled "...##list" (the lanes) is a
// list: the rest is a scroll away, on purpose. Any other child that scrolls is a
// panel whose text or controls run past its edge: on a projector that is a cut.
bool is_scrolling_table(const ImGuiWindow& w) {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  for (int i = 0; i < g.Tables.GetMapSize(); ++i) {
    const ImGuiTable* t = g.Tables.TryGetMapData(i);   // non-const: ImPool offers no const lookup
    if (t && t->InnerWindow == &w && t->InnerWindow != t->OuterWindow) return true;
  }
  return false;
}

bool scrolls(const ImGuiWindow& w, char axis) {
  if (!(w.Flags & ImGuiWindowFlags_ChildWindow)) return false;
  if (!(axis == 'x' ? w.ScrollbarX : w.ScrollbarY)) return false;
  return std::string_view(w.Name).find("##list") != std::string_view::npos || is_scrolling_table(w);
}

void check(const ImGuiWindow& w, std::vector<Clipped>& out) {
  // Content measured from where the window's items start (scroll undone) to the
  // furthest item, against the clip rect items are cut at.
  const ImVec2 start(w.DC.CursorStartPos.x + w.Scroll.x, w.DC.CursorStartPos.y + w.Scroll.y);
  const float content_x = w.DC.CursorMaxPos.x - w.DC.CursorStartPos.x;
  const float content_y = w.DC.CursorMaxPos.y - w.DC.CursorStartPos.y;
  const float visible_x = w.InnerClipRect.Max.x - start.x;
  const float visible_y = w.InnerClipRect.Max.y - start.y;
  if (content_x > visible_x + kSlack && !scrolls(w, 'x')) out.push_back({w.Name, 'x', content_x, visible_x});
  else if (w.ScrollbarX && !scrolls(w, 'x')) out.push_back({w.Name, 'x', content_x, visible_x});
  // ImGui shows a scrollbar once the items and the window's padding exceed its size, i.e. up to half a
  // padding before they reach the clip rect: a scrollbar on a window that is not a list counts too.
  if (content_y > visible_y + kSlack && !scrolls(w, 'y')) out.push_back({w.Name, 'y', content_y, visible_y});
  else if (w.ScrollbarY && !scrolls(w, 'y')) out.push_back({w.Name, 'y', content_y, visible_y});
  // The window itself off the screen (a bar or an overlay wider than the viewport).
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  if (w.Pos.x + w.Size.x > vp->Pos.x + vp->Size.x + kSlack || w.Pos.x < vp->Pos.x - kSlack)
    out.push_back({w.Name, 'x', w.Size.x, vp->Size.x});
  if (w.Pos.y + w.Size.y > vp->Pos.y + vp->Size.y + kSlack || w.Pos.y < vp->Pos.y - kSlack)
    out.push_back({w.Name, 'y', w.Size.y, vp->Size.y});
}
}  // namespace

std::vector<Clipped> find_clipped() {
  std::vector<Clipped> out;
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  for (const ImGuiWindow* w : g.Windows) {
    // Only what this frame drew: not hidden, not a tooltip, not ImGui's debug window.
    if (!w->WasActive || w->Hidden || w->SkipItems) continue;
    if (w->Flags & (ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_Popup)) continue;
    if (std::string_view(w->Name).rfind("Debug##", 0) == 0) continue;
    check(*w, out);
  }
  return out;
}

std::string clipped_json(const std::vector<Clipped>& list) {
  std::string s = "[";
  for (const Clipped& c : list) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "\",\"axis\":\"%c\",\"content\":%.0f,\"visible\":%.0f}", c.axis,
                  static_cast<double>(c.content), static_cast<double>(c.visible));
    if (s.size() > 1) s += ",";
    s += "{\"window\":\"";
    for (char ch : c.window) {
      if (ch == '"' || ch == '\\') s += '\\';
      if (static_cast<unsigned char>(ch) >= 0x20) s += ch;
    }
    s += buf;
  }
  return s + "]";
}

}  // namespace viz
