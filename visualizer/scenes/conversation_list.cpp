// Scene 1, right side: every event in a table through ImGuiListClipper
// (a 200,000-event log draws only the rows on screen), with the filters the
// issue names and a search box. Clicking a row selects it everywhere.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "model/follow.h"
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
  if (list_dirty_ || list_generation_ != m.generation() || list_follow_ != ctx.selection.follow) {
    list_.clear();
    from = 0;
    list_dirty_ = false;
    list_follow_ = ctx.selection.follow;
  }
  const std::string& follow = ctx.selection.follow;   // following one stranger: only their events
  for (std::size_t i = from; i < m.size(); ++i) {
    if (passes(filter_, m.at(i)) && (follow.empty() || on_stranger(m, m.at(i), follow))) list_.push_back(m.at(i).seq());
  }
  list_generation_ = m.generation();
  list_ingested_ = m.ingested();
  if (!m.empty()) list_.erase(list_.begin(), std::lower_bound(list_.begin(), list_.end(), m.at(0).seq()));
}

bool ConversationScene::draw_list_filters(SceneContext& ctx) {
  // One line of checkboxes while they fit, then the next line: never past the list's edge.
  bool changed = false;
  const auto checkbox = [&](const char* label, bool* value, bool first) {
    const float w = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
    if (!first) same_line_if_fits(w);
    changed |= ImGui::Checkbox(label, value);
  };
  checkbox("data", &filter_.data, true);
  checkbox("control", &filter_.control, false);
  checkbox("HTTP", &filter_.http, false);
  checkbox("relay", &filter_.events, false);
  ImGui::PushStyleColor(ImGuiCol_Text, ctx.theme.violation);
  checkbox("⚠ only", &filter_.violations_only, false);
  ImGui::PopStyleColor();
  ImGui::SetNextItemWidth(-1);
  if (ImGui::InputTextWithHint("##search", "search (e.g. close, 1002, /poll, Hello)", search_, sizeof search_)) {
    filter_.search = search_;
    changed = true;
  }
  return changed;
}

void ConversationScene::draw_list(SceneContext& ctx, float width, float height) {
  const Theme& th = ctx.theme;
  // Outlined, not filled (see draw_lanes: fill is what costs on llvmpipe).
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  ImGui::BeginChild("event_list", ImVec2(width, height), false);
  ImGui::PopStyleColor();
  {
    const ImVec2 p0 = ImGui::GetWindowPos();
    ImGui::GetWindowDrawList()->AddRect(p0, ImVec2(p0.x + width, p0.y + height), Theme::u32(th.border),
                                        ImGui::GetStyle().ChildRounding, 0, ctx.fonts.px(2.0f));
  }
  // Filters and search when the list has room for them and a few rows; on a
  // short window (a large display scale) the rows matter more to the room.
  const float line = ImGui::GetFrameHeightWithSpacing();
  if (height > line * 9.0f && draw_list_filters(ctx)) {
    list_dirty_ = true;
    sync_list(ctx);
  }
  char count[96];
  std::snprintf(count, sizeof count, "%zu of %zu events", list_.size(), ctx.model.size());
  ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
  ImGui::TextUnformatted(fit_text(count, ImGui::GetContentRegionAvail().x).c_str());
  ImGui::PopStyleColor();

  // Rows are told apart by a line, not by striping: an alternate-row fill covered a tenth of the screen
  // every frame, and fill is what llvmpipe pays for (bench/README.md, "Idle, and the 4K projector").
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH |
                                    ImGuiTableFlags_SizingFixedFit;
  // The scrolling table is a child window: no second panel fill over event_list's own.
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  // A narrow list (a large display scale) drops the kind column: the chip's colour is in the lanes too.
  const bool with_kind = width > ctx.fonts.px(600.0f);
  // A very narrow one (2x and 3x on 1280x720) drops the connection too: "what" keeps a few words.
  const bool with_conn = width > ctx.fonts.px(300.0f);   // (with_kind implies it: the kind is column 2)
  const int what_col = (with_kind ? 3 : 2) - (with_conn ? 0 : 1);
  const bool table = ImGui::BeginTable("events", what_col + 1, flags, ImVec2(0, ImGui::GetContentRegionAvail().y));
  ImGui::PopStyleColor();
  if (table) {
    // Fixed columns as wide as their widest value (seq and conn grow with the
    // log): nothing clipped at any display scale; "what" takes the rest and elides.
    const auto digits = [](std::uint64_t v) { return std::max<std::size_t>(3, std::to_string(v).size()); };
    const std::uint64_t max_seq = ctx.model.empty() ? 0 : ctx.model.back().seq();
    std::uint64_t max_conn = 0;
    if (!ctx.model.connections().empty()) max_conn = ctx.model.connections().rbegin()->first;
    const std::string seq_w(digits(max_seq) + 1, '0');
    const std::string conn_w = "#" + std::string(digits(max_conn), '0') + " s→c";
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("seq", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize(seq_w.c_str()).x);
    if (with_conn) ImGui::TableSetupColumn("conn", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize(conn_w.c_str()).x);
    if (with_kind)
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
        if (ImGui::Selectable(seq, selected, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick,
                              ImVec2(0, row_h - ctx.fonts.px(4)))) {
          ctx.post(SelectUnit{e->seq()});
          // A double click follows the row's stranger ("find my frame").
          const ConnView* cv = e->conn ? ctx.model.conn(e->conn) : nullptr;
          if (ImGui::IsMouseDoubleClicked(0) && cv && !cv->stranger.empty()) ctx.post(FollowStranger::of(cv->stranger));
        }
        if (with_conn && e->conn) {
          ImGui::TableSetColumnIndex(1);
          const char* dir = !e->dir ? "" : *e->dir == wire::Direction::c2s ? " c→s" : " s→c";
          ImGui::Text("#%llu%s", static_cast<unsigned long long>(e->conn), dir);
        }
        if (with_kind) {
          ImGui::TableSetColumnIndex(2);
          kind_chip(ctx, e->violation ? UnitKind::violation : e->kind,
                    e->violation && e->kind != UnitKind::violation ? unit_kind_name(e->kind) : nullptr);
          ImGui::NewLine();
        }
        ImGui::TableSetColumnIndex(what_col);
        const std::string what = fit_text(describe(*e, 48), ImGui::GetContentRegionAvail().x);
        if (e->violation) ImGui::PushStyleColor(ImGuiCol_Text, th.violation);
        ImGui::TextUnformatted(what.c_str());
        if (e->violation) ImGui::PopStyleColor();
      }
    }
    clipper.End();
    // Rows wholly on screen under the header (--print-view's "list_rows"; tests want a few at every scale).
    const float header_h = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2.0f;
    const float rows_room = ImGui::GetWindowHeight() - header_h;
    list_rows_shown_ = static_cast<int>(std::min<float>(static_cast<float>(list_.size()), std::max(0.0f, std::floor(rows_room / row_h))));
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
