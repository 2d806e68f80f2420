// Scene 1: the lanes. Time runs down the screen, one row per unit; an arrow
// goes from the sender's lane to the receiver's, and a new one travels there
// over 0.7 s so the room sees the direction. Notes (paired, opened, closed,
// violations) sit on the relay lane. The event list is conversation_list.cpp.
#include "scenes/conversation.h"

#include <algorithm>
#include <cmath>

#include "ui/widgets.h"

namespace viz {
namespace {
constexpr double kTravelSeconds = 0.7;
constexpr std::size_t kMaxAnimated = 12;   // only the newest arrivals animate (100k events/s stay cheap)

// "#12": a connection without a stranger name. Built by appending: GCC 12 -O3 warns
// falsely (-Wrestrict) on "lit" + std::string&&.
std::string conn_label(std::uint64_t conn) {
  std::string s = "#";
  s += std::to_string(conn);
  return s;
}

bool contains(const std::vector<std::uint64_t>& v, std::uint64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// Entries (seq) the model added since `ingested` (its ingested() then), oldest first, as indices.
std::size_t first_new_index(const Model& m, std::uint64_t ingested) {
  const std::uint64_t fresh = m.ingested() - ingested;
  return fresh >= m.size() ? 0 : m.size() - static_cast<std::size_t>(fresh);
}
}  // namespace

WIRELAB_REGISTER_SCENE(1, []() -> std::unique_ptr<Scene> { return std::make_unique<ConversationScene>(); });

ConversationScene::Focus ConversationScene::choose_focus(const SceneContext& ctx) const {
  const Model& m = ctx.model;
  Focus f;
  if (!ctx.selection.follow.empty()) {
    // Following one stranger: their lane on the left, their peer named on the
    // right, and only their own units as arrows ("find my frame").
    f.a = ctx.selection.follow;
    f.follow = true;
    for (const auto& [id, cv] : m.connections()) {
      if (cv.stranger != f.a) continue;
      f.conns_a.push_back(id);
      if (cv.open && !cv.peer.empty()) f.b = cv.peer;
    }
    return f;
  }
  const Pairing* pick = nullptr;
  std::string selected_stranger;
  if (ctx.selection.conn) {
    if (const ConnView* cv = m.conn(*ctx.selection.conn)) selected_stranger = cv->stranger;
  }
  const bool selected_anonymous = ctx.selection.conn && m.conn(*ctx.selection.conn) && selected_stranger.empty();
  for (auto it = m.pairings().rbegin(); it != m.pairings().rend() && !selected_anonymous; ++it) {
    if (selected_stranger.empty() || it->a == selected_stranger || it->b == selected_stranger) {
      pick = &*it;
      break;
    }
  }
  const ConnView* sel = ctx.selection.conn ? m.conn(*ctx.selection.conn) : nullptr;
  if (sel && !pick) {
    // A selected connection outside any pairing (an echo client, a rule breaker): show it alone.
    f.a = sel->stranger.empty() ? conn_label(sel->conn) : sel->stranger;
    f.b = sel->peer;
  } else if (pick) {
    // Stable sides: a human left of a bot, else by label; the demo's strangers
    // re-pair every round and must not swap lanes.
    f.a = pick->a;
    f.b = pick->b;
    const auto bot = [&m](const std::string& who) {
      for (const auto& [id, cv] : m.connections()) {
        if (cv.stranger == who) return cv.bot;
      }
      return false;
    };
    const bool bot_a = bot(f.a), bot_b = bot(f.b);
    if (bot_a != bot_b ? bot_a : f.b < f.a) std::swap(f.a, f.b);
  } else {
    // Nobody paired yet: the newest strangers, or the newest connections that carried units.
    for (auto it = m.connections().rbegin(); it != m.connections().rend(); ++it) {
      const ConnView& cv = it->second;
      if (cv.stranger.empty() && cv.frames + cv.http_messages == 0) continue;
      const std::string who = cv.stranger.empty() ? conn_label(cv.conn) : cv.stranger;
      if (f.b.empty() && who != f.a) f.b = who;
      else if (f.a.empty() && who != f.b) f.a = who;
      if (!f.a.empty() && !f.b.empty()) break;
    }
    if (f.a.empty()) std::swap(f.a, f.b);
  }
  for (const auto& [id, cv] : m.connections()) {
    const std::string who = cv.stranger.empty() ? conn_label(id) : cv.stranger;
    if (!f.a.empty() && who == f.a) f.conns_a.push_back(id);
    if (!f.b.empty() && who == f.b) f.conns_b.push_back(id);
  }
  return f;
}

ConversationScene::Side ConversationScene::side_of(const Entry& e) const {
  if (const auto* ch = e.chat()) {
    return (ch->who == focus_.a || (!focus_.follow && ch->who == focus_.b)) && ch->event != "said" && ch->event != "typing" ? Side::relay
                                                                                                        : Side::none;
  }
  if (std::holds_alternative<wire::Dropped>(e.event.body)) return Side::relay;
  if (e.conn == 0 || e.kind == UnitKind::tls) return Side::none;   // TLS records: scene 6
  if (contains(focus_.conns_a, e.conn)) return Side::a;
  if (contains(focus_.conns_b, e.conn)) return Side::b;
  return Side::none;
}

void ConversationScene::sync_rows(const SceneContext& ctx) {
  const Model& m = ctx.model;
  std::size_t from = first_new_index(m, rows_ingested_);
  // The focus walks every connection (10,000 at most): only when the model or the selection changed.
  if (m.version() != focus_version_ || ctx.selection.conn != focus_conn_ || ctx.selection.follow != focus_follow_) {
    Focus f = choose_focus(ctx);
    focus_version_ = m.version();
    focus_conn_ = ctx.selection.conn;
    focus_follow_ = ctx.selection.follow;
    if (!(f == focus_)) {
      focus_ = std::move(f);
      rows_generation_ = UINT64_MAX;   // rebuild below
    }
  }
  if (rows_generation_ != m.generation()) {
    rows_.clear();
    from = 0;
  }
  for (std::size_t i = from; i < m.size(); ++i) {
    if (side_of(m.at(i)) != Side::none) rows_.push_back(m.at(i).seq());
  }
  rows_generation_ = m.generation();
  rows_ingested_ = m.ingested();
  // Evicted entries leave the lanes too.
  if (!m.empty()) {
    const std::uint64_t oldest = m.at(0).seq();
    auto keep = std::lower_bound(rows_.begin(), rows_.end(), oldest);
    rows_.erase(rows_.begin(), keep);
  }
}

void ConversationScene::note_arrivals(const SceneContext& ctx) {
  const Model& m = ctx.model;
  if (arrivals_generation_ != m.generation()) {
    arrivals_.clear();
    arrivals_ingested_ = m.ingested() > kMaxAnimated ? m.ingested() - kMaxAnimated : 0;
    arrivals_generation_ = m.generation();
  }
  for (std::size_t i = first_new_index(m, arrivals_ingested_); i < m.size(); ++i) {
    arrivals_.emplace_back(m.at(i).seq(), ctx.time);
  }
  arrivals_ingested_ = m.ingested();
  while (arrivals_.size() > kMaxAnimated) arrivals_.pop_front();
  while (!arrivals_.empty() && ctx.time - arrivals_.front().second > kTravelSeconds) arrivals_.pop_front();
}

float ConversationScene::reveal_progress(const SceneContext& ctx, std::uint64_t seq) const {
  for (const auto& [s, t] : arrivals_) {
    if (s == seq) return static_cast<float>(std::clamp((ctx.time - t) / kTravelSeconds, 0.0, 1.0));
  }
  return 1.0f;
}

void ConversationScene::draw(SceneContext& ctx) {
  sync_rows(ctx);
  sync_list(ctx);
  note_arrivals(ctx);
  list_rows_shown_ = 0;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ctx.fonts.px(12.0f);
  // The list always keeps a column: at a large display scale (the projector's
  // scale 2 on 1920x1080) dropping it left half the screen empty. A narrow
  // window gives the list a little more of the width; it then drops its
  // least useful parts itself (conversation_list.cpp).
  const bool narrow = avail.x < ctx.fonts.px(1100.0f);
  // A short window (fewer than 9 lines: 2x on 1280x720, 3x): the lanes get the hint's lines (the
  // hint comes back with a selection's details) and their headers keep only the names.
  short_ = avail.y < ImGui::GetTextLineHeightWithSpacing() * 9.0f;
  const float lanes_w = std::floor(avail.x * (narrow ? 0.55f : 0.58f));
  // Three lines for a selected unit's details; on a narrow window with nothing selected, what the
  // hint needs, so the lanes get the rest.
  float details_lines = 3.0f;
  if (short_ && !ctx.selected()) {
    details_lines = 0.0f;
  } else if (narrow && !ctx.selected()) {
    const float hint_h = ImGui::CalcTextSize(details_hint(lanes_w), nullptr, false, lanes_w).y;
    details_lines = std::min(3.0f, std::ceil(hint_h / ImGui::GetTextLineHeight()));
  }
  const float details_h = details_lines > 0.0f ? ImGui::GetTextLineHeightWithSpacing() * details_lines + ctx.fonts.px(16.0f) + gap : 0.0f;
  ImGui::BeginGroup();
  draw_lanes(ctx, lanes_w, avail.y - details_h);
  if (details_lines > 0.0f) draw_details(ctx, lanes_w);
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);
  draw_list(ctx, avail.x - lanes_w - gap, avail.y);
}

void ConversationScene::draw_lane_header(SceneContext& ctx, float x_a, float x_r, float x_b, float y) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Theme& th = ctx.theme;
  const float lo = ImGui::GetWindowPos().x + ctx.fonts.px(8.0f);
  const float hi = ImGui::GetWindowPos().x + ImGui::GetWindowWidth() - ctx.fonts.px(8.0f);
  // Centred on its lane, but kept inside the panel.
  auto centred = [&](float x, float w) { return std::floor(std::clamp(x - w / 2, lo, std::max(lo, hi - w))); };
  const float room = (x_r - x_a) * 0.92f;   // each header keeps to its own third
  auto header = [&](float x, const std::string& name_in, const std::string& sub_in, const ImVec4& col) {
    ImGui::PushFont(ctx.fonts.heading);
    // Narrow lanes keep the stranger's 4 hex digits (what the browser shows) rather than "Stranger 7…".
    std::string shorter = name_in;
    if (const auto at = shorter.find("Stranger "); at != std::string::npos && ImGui::CalcTextSize(name_in.c_str()).x > room)
      shorter.erase(at, 9);
    const std::string name = fit_text(shorter, room);
    const ImVec2 ns = ImGui::CalcTextSize(name.c_str());
    dl->AddText(ImVec2(centred(x, ns.x), y), Theme::u32(col), name.c_str());
    ImGui::PopFont();
    // Sub-lines get less: the outer ones are pushed inwards at the panel's edge and must not meet the middle one.
    if (short_) return;   // the names only
    const std::string sub = fit_text(sub_in, room * 0.76f);
    const ImVec2 ss = ImGui::CalcTextSize(sub.c_str());
    dl->AddText(ImVec2(centred(x, ss.x), y + ns.y + ctx.fonts.px(2.0f)), Theme::u32(th.text_dim), sub.c_str());
  };
  auto describe_side = [&](const std::string& who, const std::vector<std::uint64_t>& conns) {
    if (who.empty()) return std::string("nobody yet");
    std::string s;
    if (!conns.empty()) {
      if (const ConnView* cv = ctx.model.conn(conns.back()); cv && cv->bot) s = "bot · ";
    }
    for (std::size_t i = conns.size() > 2 ? conns.size() - 2 : 0; i < conns.size(); ++i) {
      const ConnView* cv = ctx.model.conn(conns[i]);
      if (!s.empty() && s != "bot · ") s += ", ";
      // A lane named after its only connection (no stranger: a server behind --upstream) says it once.
      if (!(conns.size() == 1 && who == conn_label(conns[i]))) s += conn_label(conns[i]);
      if (cv && i + 1 == conns.size()) {
        // A Socket.IO app behind --upstream: its session's story, as long as the lane has room for.
        const auto forms = ctx.model.engineio_story_forms(conns[i]);
        std::string role = conn_role_name(cv->role);
        for (const std::string_view form : forms) {
          role = std::string(form);
          if (ImGui::CalcTextSize((s + " " + role).c_str()).x <= room * 0.76f) break;
        }
        s += s.empty() ? role : " " + role;
      }
    }
    if (conns.size() > 2) s = "… " + s;
    return s;
  };
  const bool following = !ctx.selection.follow.empty();
  header(x_a, focus_.a.empty() ? "Stranger A" : following ? "▶ " + focus_.a : focus_.a,
         describe_side(focus_.a, focus_.conns_a), th.lane_a);
  header(x_r, "Relay", ctx.model.hello() && ctx.model.hello()->tap ? "tap: every byte" : "wirelab-relay", th.lane_relay);
  header(x_b, focus_.b.empty() ? "Stranger B" : focus_.b,
         following ? std::string("not followed (G stops)") : describe_side(focus_.b, focus_.conns_b), th.lane_b);
  // Click a stranger's lane header to follow them (again to stop).
  const float third = (x_r - x_a);
  const float hdr_h = ctx.fonts.px(FontSizes::heading) + (short_ ? 0.0f : ImGui::GetTextLineHeight());
  const auto clickable = [&](float x, const std::string& who, const char* id) {
    if (who.empty() || who.rfind("Stranger ", 0) != 0) return;
    // The click area is the lane's third, kept inside the panel (an item past it is a cut item).
    const float x0 = std::clamp(x - third / 2, lo, hi), x1 = std::clamp(x + third / 2, lo, hi);
    if (x1 - x0 < 1.0f) return;
    ImGui::SetCursorScreenPos(ImVec2(x0, y));
    if (ImGui::InvisibleButton(id, ImVec2(x1 - x0, hdr_h))) ctx.post(FollowStranger::of(who == ctx.selection.follow ? "" : who));
    if (ImGui::IsItemHovered()) {
      if (who == ctx.selection.follow) ImGui::SetTooltip("stop following");
      else ImGui::SetTooltip("follow %s", who.c_str());
    }
  };
  clickable(x_a, focus_.a, "follow_a");
  clickable(x_b, focus_.b, "follow_b");
}

std::string ConversationScene::shown() const {
  std::string rows;
  for (std::uint64_t seq : rows_) rows += (rows.empty() ? "" : ",") + std::to_string(seq);
  const auto conns = [](const std::vector<std::uint64_t>& v) {
    std::string s;
    for (std::uint64_t c : v) s += (s.empty() ? "" : ",") + std::to_string(c);
    return s;
  };
  return "\"lane_a\":\"" + focus_.a + "\",\"lane_b\":\"" + focus_.b + "\",\"conns_a\":[" + conns(focus_.conns_a) +
         "],\"conns_b\":[" + conns(focus_.conns_b) + "],\"rows\":[" + rows + "],\"list_rows\":" + std::to_string(list_rows_shown_);
}

void ConversationScene::draw_lanes(SceneContext& ctx, float width, float height) {
  const Theme& th = ctx.theme;
  // No panel fill: on llvmpipe every filled pixel costs CPU (a 4K projector at
  // scale 2 has four times the pixels); an outline marks the panel instead.
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  ImGui::BeginChild("lanes_frame", ImVec2(width, height), false, ImGuiWindowFlags_NoScrollbar);
  const ImVec2 top = ImGui::GetCursorScreenPos();
  {
    const ImVec2 p0 = ImGui::GetWindowPos();
    ImGui::GetWindowDrawList()->AddRect(p0, ImVec2(p0.x + width, p0.y + height), Theme::u32(th.border),
                                        ImGui::GetStyle().ChildRounding, 0, ctx.fonts.px(2.0f));
  }
  const float x_a = top.x + width * 0.13f, x_r = top.x + width * 0.5f, x_b = top.x + width * 0.87f;
  const float header_h = ctx.fonts.px(FontSizes::heading) + (short_ ? 0.0f : ImGui::GetTextLineHeight()) + ctx.fonts.px(22.0f);
  draw_lane_header(ctx, x_a, x_r, x_b, top.y + ctx.fonts.px(8.0f));
  ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + header_h));

  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));   // rows exactly row_h apart (the clipper relies on it)
  // On lanes_frame's panel. "##list": a list that scrolls on purpose, for --report-clipped.
  ImGui::BeginChild("lanes##list", ImVec2(width, height - header_h), false, ImGuiWindowFlags_NoBackground);
  const float row_h = std::floor(ImGui::GetTextLineHeight() * 2.2f);
  const float inner_w = ImGui::GetContentRegionAvail().x;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 win = ImGui::GetWindowPos();
  const float win_h = ImGui::GetWindowHeight();
  // The lanes themselves: three thick vertical lines through the visible area.
  const float line_w = ctx.fonts.px(4.0f);
  for (auto [x, col] : {std::pair{x_a, th.lane_a}, std::pair{x_r, th.lane_relay}, std::pair{x_b, th.lane_b}}) {
    dl->AddLine(ImVec2(x, win.y), ImVec2(x, win.y + win_h), Theme::u32(col, 0.55f), line_w);
  }
  if (rows_.empty()) {
    // A note on its own card, so the lane lines do not cross the words.
    const char* note = ctx.model.empty() ? "Waiting for the first connection: open the chat page, or replay a capture."
                                         : "No units between strangers yet: the event list shows everything.";
    const float pad = ctx.fonts.px(14.0f);
    const float wrap = inner_w - 8 * pad;
    const ImVec2 ts = ImGui::CalcTextSize(note, nullptr, false, wrap);
    const ImVec2 a(win.x + (inner_w - ts.x) / 2 - pad, win.y + ctx.fonts.px(24.0f));
    const ImVec2 b(a.x + ts.x + 2 * pad, a.y + ts.y + 2 * pad);
    dl->AddRectFilled(a, b, Theme::u32(th.panel_alt), ctx.fonts.px(6.0f));
    dl->AddRect(a, b, Theme::u32(th.border), ctx.fonts.px(6.0f));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(a.x + pad, a.y + pad), Theme::u32(th.text_dim), note, nullptr, wrap);
  }
  const bool at_bottom = ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 1.0f;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows_.size()), row_h);
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const Entry* e = ctx.model.by_seq(rows_[static_cast<std::size_t>(r)]);
      if (!e) continue;
      const ImVec2 origin = ImGui::GetCursorScreenPos();
      const bool selected = ctx.selection.seq && *ctx.selection.seq == e->seq();
      ImGui::PushID(r);
      if (ImGui::InvisibleButton("row", ImVec2(inner_w, row_h))) ctx.post(SelectUnit{e->seq()});
      ImGui::PopID();
      draw_row(ctx, *e, origin, inner_w, row_h, x_a, x_r, x_b, selected);
    }
  }
  clipper.End();
  // Scroll: keep a newly selected row in view; else follow the newest only when already at the bottom.
  if (ctx.selection.seq && ctx.selection.seq != lanes_scrolled_to_) {
    auto it = std::lower_bound(rows_.begin(), rows_.end(), *ctx.selection.seq);
    if (it != rows_.end() && *it == *ctx.selection.seq) {
      const float y = row_h * static_cast<float>(it - rows_.begin());
      if (y < ImGui::GetScrollY() || y + row_h > ImGui::GetScrollY() + win_h) ImGui::SetScrollY(y - win_h * 0.5f);
    }
    lanes_scrolled_to_ = ctx.selection.seq;
  } else if (at_bottom && !ctx.paused) {
    ImGui::SetScrollHereY(1.0f);
  }
  ImGui::EndChild();
  ImGui::PopStyleVar();
  ImGui::EndChild();
  ImGui::PopStyleColor();
}

void ConversationScene::draw_row(SceneContext& ctx, const Entry& e, ImVec2 o, float width, float row_h, float x_a,
                                 float x_r, float x_b, bool selected) {
  const Theme& th = ctx.theme;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (selected) {
    dl->AddRectFilled(o, ImVec2(o.x + width, o.y + row_h), Theme::u32(th.selection_bg));
    dl->AddRect(o, ImVec2(o.x + width, o.y + row_h), Theme::u32(th.accent), 0.0f, 0, ctx.fonts.px(2.0f));
  } else if (e.violation) {
    dl->AddRectFilled(o, ImVec2(o.x + width, o.y + row_h), Theme::u32(th.violation, 0.18f));
  }
  const float p = reveal_progress(ctx, e.seq());
  const Side side = side_of(e);
  const float mid_y = o.y + row_h * 0.68f;
  if (side == Side::relay || !e.dir) {
    // A note on the relay lane: paired, opened, closed, violation.
    const std::string text = describe(e, 30);
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    const float pad = ctx.fonts.px(8.0f);
    const float w = std::min(ts.x + 2 * pad, width - 2 * pad);
    const float x = std::clamp(side == Side::a ? x_a : side == Side::b ? x_b - w : x_r - w / 2, o.x + pad, o.x + width - w - pad);
    const ImVec2 a(x, o.y + (row_h - ts.y - pad) / 2), b(x + w, o.y + (row_h + ts.y + pad) / 2);
    const bool loud = e.kind == UnitKind::violation;
    dl->AddRectFilled(a, b, loud ? Theme::u32(th.violation) : Theme::u32(th.panel_alt, p), ctx.fonts.px(6.0f));
    dl->AddRect(a, b, th.kind_u32(e.kind, p), ctx.fonts.px(6.0f), 0, ctx.fonts.px(2.0f));
    dl->PushClipRect(a, b, true);
    dl->AddText(ImVec2(a.x + pad, a.y + pad / 2), loud ? Theme::u32(th.on_kind) : Theme::u32(th.text, p), text.c_str());
    dl->PopClipRect();
    return;
  }
  const float lane = side == Side::a ? x_a : x_b;
  const bool to_relay = *e.dir == wire::Direction::c2s;
  const float x0 = to_relay ? lane : x_r, x1 = to_relay ? x_r : lane;
  const float xh = x0 + (x1 - x0) * p;   // the head of the arrow while it travels
  const ImU32 col = e.violation ? Theme::u32(th.violation) : th.kind_u32(e.kind);
  const float thick = ctx.fonts.px(e.violation ? 6.0f : 4.0f);
  const float dir = x1 > x0 ? 1.0f : -1.0f;
  const float head = ctx.fonts.px(14.0f);
  dl->AddLine(ImVec2(x0, mid_y), ImVec2(xh - dir * head * 0.6f, mid_y), col, thick);
  dl->AddTriangleFilled(ImVec2(xh, mid_y), ImVec2(xh - dir * head, mid_y - head * 0.6f),
                        ImVec2(xh - dir * head, mid_y + head * 0.6f), col);
  if (p < 1.0f) dl->AddCircleFilled(ImVec2(xh, mid_y), ctx.fonts.px(9.0f), col);
  // The label rides above the arrow: as much of the payload as fits its half.
  const float left = std::min(x0, x1) + ctx.fonts.px(6.0f), right = std::max(x0, x1) - ctx.fonts.px(6.0f);
  ImGui::PushFont(e.violation ? ctx.fonts.bold : ctx.fonts.body);
  std::string label;
  ImVec2 ts;
  for (std::size_t chars = 64;; chars = chars * 3 / 4) {
    label = (e.violation ? "⚠ " : "") + arrow_label(e, chars);
    ts = ImGui::CalcTextSize(label.c_str());
    if (ts.x <= right - left || chars < 6) break;
  }
  if (ts.x > right - left) {
    label = fit_text(label, right - left);
    ts = ImGui::CalcTextSize(label.c_str());
  }
  ImGui::PopFont();
  const float tx = std::max(left, (left + right - ts.x) / 2);
  dl->PushClipRect(ImVec2(left, o.y), ImVec2(right, o.y + row_h), true);
  ImGui::PushFont(e.violation ? ctx.fonts.bold : ctx.fonts.body);
  dl->AddText(ImVec2(tx, mid_y - thick - ts.y - ctx.fonts.px(2.0f)),
              e.violation ? Theme::u32(th.violation) : Theme::u32(th.text, 0.25f + 0.75f * p), label.c_str());
  ImGui::PopFont();
  dl->PopClipRect();
}

// Three lines at most are kept for the details: at a large display scale the short hint keeps to them.
const char* ConversationScene::details_hint(float width) {
  const char* hint = "Click an arrow or a row to select it · → next event · 2 Upgrade · 3 Frame · 4 Masking · 5 Polling · 6 TLS";
  return ImGui::CalcTextSize(hint).x > width * 2.5f ? "Click an arrow or a row to select it · → next" : hint;
}

void ConversationScene::draw_details(SceneContext& ctx, float width) {
  const Theme& th = ctx.theme;
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(4.0f)));
  const Entry* e = ctx.selected();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  if (!e) {
    ImGui::PushStyleColor(ImGuiCol_Text, th.text_dim);
    ImGui::TextWrapped("%s", details_hint(width));
    ImGui::PopStyleColor();
  } else {
    kind_chip(ctx, e->violation ? UnitKind::violation : e->kind);
    const char* dir = !e->dir ? "" : *e->dir == wire::Direction::c2s ? " client → relay" : " relay → client";
    ImGui::Text("seq %llu · #%llu%s", static_cast<unsigned long long>(e->seq()), static_cast<unsigned long long>(e->conn), dir);
    ImGui::TextWrapped("%s", describe(*e, 60).c_str());
    if (e->violation && !e->violation_rule.empty()) text_wrapped_colored(th.violation, e->violation_rule.c_str());
  }
  ImGui::PopTextWrapPos();
}

}  // namespace viz
