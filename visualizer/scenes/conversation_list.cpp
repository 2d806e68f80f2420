// Scene 1, right side: every event in a table through ImGuiListClipper
// (a 200,000-event log draws only the rows on screen), with the filters the
// issue names and a search box. Clicking a row selects it everywhere.
#include <algorithm>
#include <cstdio>

#include "scenes/conversation.h"
#include "ui/widgets.h"

namespace viz {
namespace {
std::size_t first_new(const Model& m, std::uint64_t ingested) {
  const std::uint64_t fresh = m.ingested() - ingested;
  return fresh >= m.size() ? 0 : m.size() - static_cast<std::size_t>(fresh);
}
}  // namespace

void ConversationScene::sync_list(const SceneContext& ctx) {
  const Model& m = ctx.model;
  std::size_t from = first_new(m, list_ingested_);
  if (list_dirty_ || list_generation_ != m.generation()) {
    list_.clear();
    from = 0;
    list_dirty_ = false;
  }
  for (std::size_t i = from; i < m.size(); ++i) {
    if (passes(filter_, m.at(i))) list_.push_back(m.at(i).seq());
  }
  list_generation_ = m.generation();
  list_ingested_ = m.ingested();
  if (!m.empty()) list_.erase(list_.begin(), std::lower_bound(list_.begin(), list_.end(), m.at(0).seq()));
}

void ConversationScene::draw_list(SceneContext& ctx, float width, float height) {
  const Theme& th = ctx.theme;
  ImGui::BeginChild("event_list", ImVec2(width, height), false);
  // Filters: one line of checkboxes, then the search box.
  bool changed = false;
  changed |= ImGui::Checkbox("data", &filter_.data);
  ImGui::SameLine();
  changed |= ImGui::Checkbox("control", &filter_.control);
  ImGui::SameLine();
  changed |= ImGui::Checkbox("HTTP", &filter_.http);
  ImGui::SameLine();
  changed |= ImGui::Checkbox("relay", &filter_.events);
  ImGui::SameLine();
  ImGui::PushStyleColor(ImGuiCol_Text, th.violation);
  changed |= ImGui::Checkbox("⚠ only", &filter_.violations_only);
  ImGui::PopStyleColor();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##search", "search (e.g. close, 1002, /poll, Hello)", search_, sizeof search_)) {
    filter_.search = search_;
    changed = true;
  }
  if (changed) {
    list_dirty_ = true;
    sync_list(ctx);
  }
  char count[96];
  std::snprintf(count, sizeof count, "%zu of %zu events", list_.size(), ctx.model.size());
  ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
  ImGui::TextUnformatted(count);
  ImGui::PopStyleColor();

  constexpr ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                    ImGuiTableFlags_SizingFixedFit;
  // The scrolling table is a child window: no second panel fill over event_list's own.
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  const bool table = ImGui::BeginTable("events", 4, flags, ImVec2(0, ImGui::GetContentRegionAvail().y));
  ImGui::PopStyleColor();
  if (table) {
    const float digit = ImGui::CalcTextSize("0").x;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("seq", ImGuiTableColumnFlags_WidthFixed, digit * 6);
    ImGui::TableSetupColumn("conn", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("#000 s→c").x);
    ImGui::TableSetupColumn("kind", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("violation").x + ctx.fonts.px(14));
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
    const float row_h = ImGui::GetTextLineHeightWithSpacing() + ctx.fonts.px(8.0f);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(list_.size()));   // measured from the first row: exact whatever the chip height
    while (clipper.Step()) {
      for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
        const Entry* e = ctx.model.by_seq(list_[static_cast<std::size_t>(r)]);
        if (!e) continue;
        ImGui::TableNextRow(0, row_h);
        ImGui::TableSetColumnIndex(0);
        char seq[32];
        std::snprintf(seq, sizeof seq, "%llu", static_cast<unsigned long long>(e->seq()));
        const bool selected = ctx.selection.seq && *ctx.selection.seq == e->seq();
        if (ImGui::Selectable(seq, selected, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, row_h - ctx.fonts.px(4))))
          ctx.post(SelectUnit{e->seq()});
        ImGui::TableSetColumnIndex(1);
        if (e->conn) {
          const char* dir = !e->dir ? "" : *e->dir == wire::Direction::c2s ? " c→s" : " s→c";
          ImGui::Text("#%llu%s", static_cast<unsigned long long>(e->conn), dir);
        }
        ImGui::TableSetColumnIndex(2);
        kind_chip(ctx, e->violation ? UnitKind::violation : e->kind,
                  e->violation && e->kind != UnitKind::violation ? unit_kind_name(e->kind) : nullptr);
        ImGui::NewLine();
        ImGui::TableSetColumnIndex(3);
        const std::string what = describe(*e, 48);
        if (e->violation) ImGui::PushStyleColor(ImGuiCol_Text, th.violation);
        ImGui::TextUnformatted(what.c_str());
        if (e->violation) ImGui::PopStyleColor();
      }
    }
    clipper.End();
    if (ctx.selection.seq && ctx.selection.seq != list_scrolled_to_) {
      auto it = std::lower_bound(list_.begin(), list_.end(), *ctx.selection.seq);
      if (it != list_.end() && *it == *ctx.selection.seq) {
        const float y = row_h * static_cast<float>(it - list_.begin());
        const float view = ImGui::GetWindowHeight() - row_h;
        if (y < ImGui::GetScrollY() || y + row_h > ImGui::GetScrollY() + view) ImGui::SetScrollY(y - view * 0.5f);
      }
      list_scrolled_to_ = ctx.selection.seq;
    } else if (at_bottom && !ctx.paused) {
      ImGui::SetScrollHereY(1.0f);
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

}  // namespace viz
