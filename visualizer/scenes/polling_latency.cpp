// The Polling scene's latency panel (polling_latency.h). One row per
// transport on a shared axis: a dot per message (newest LatencySamples kept),
// p50 and p90 as vertical bars with their values at the row's end, and a ring
// in the warning colour (a different shape too, for colour-blind eyes) on the
// long-poll messages that reached the relay while no poll was held.
#include "scenes/polling_latency.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/widgets.h"

namespace viz {
namespace {

// Round the axis up to a number a room can read: 50, 100, 200, 250, 500 ms ...
double nice_max(double ms) {
  for (double step : {10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0}) {
    if (ms <= step * 4) return std::ceil(ms / step) * step;
  }
  return std::ceil(ms / 10000.0) * 10000.0;
}

float row_height(const SceneContext& ctx) { return std::max(ImGui::GetTextLineHeight() * 1.6f, ctx.fonts.px(30.0f)); }

struct Axis {
  float x0 = 0.0f, width = 0.0f;
  double max_ms = 1.0;
  float at(double ms) const { return x0 + width * static_cast<float>(std::min(ms, max_ms) / max_ms); }
};

// The panel's text, and which pieces share a line at this width: both the
// drawing and latency_panel_height() use it, so the child is as tall as its content.
struct Layout {
  char title[128] = "Delivery latency, message by message";
  char waited[96] = "";
  float label_w = 0.0f, values_w = 0.0f;
  bool waited_beside_axis = true;   // else on a line of its own
  float height = 0.0f;
};

float bold_width(const SceneContext& ctx, const char* text) {
  ImGui::PushFont(ctx.fonts.bold);
  const float w = ImGui::CalcTextSize(text).x;
  ImGui::PopFont();
  return w;
}

float heading_width(const SceneContext& ctx, const char* text) {
  ImGui::PushFont(ctx.fonts.heading);
  const float w = ImGui::CalcTextSize(text).x;
  ImGui::PopFont();
  return w;
}

Layout layout(const SceneContext& ctx, const Stats& stats) {
  Layout l;
  const auto& hello = ctx.model.hello();
  if (hello && hello->link) {
    std::snprintf(l.title, sizeof l.title, "Delivery latency, message by message \xc2\xb7 link %d ms each way%s",
                  hello->link->delay_ms, hello->link->jitter_ms > 0 ? " + jitter" : "");
  }
  const LatencySamples& lp = stats.long_poll().latency_samples;
  std::snprintf(l.waited, sizeof l.waited, "\xe2\x97\x8b waited for a new poll request: %zu of %zu", lp.waited(),
                lp.size());
  l.label_w = std::max(bold_width(ctx, "WebSocket"), bold_width(ctx, "long-poll")) + ctx.fonts.px(16.0f);
  // The right column: each row's p50 and p90, and under them (on the axis line) the rings' legend,
  // unless that would leave the strip less than a third of the width: then the legend gets a line.
  const ImGuiStyle& st = ImGui::GetStyle();
  const float avail = ImGui::GetContentRegionAvail().x - st.ScrollbarSize;   // the panel scrolls when short
  const float pad = ctx.fonts.px(30.0f);
  l.values_w = ImGui::CalcTextSize("p50 0000  p90 0000 ms").x + pad;
  const float beside_w = std::max(l.values_w, ImGui::CalcTextSize(l.waited).x + pad);
  l.waited_beside_axis = stats.long_poll().latency_samples.size() == 0 || avail - l.label_w - beside_w >= avail / 3.0f;
  if (l.waited_beside_axis) l.values_w = beside_w;
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // The title wraps at the panel's edge (the panel is a child without padding).
  const float title_lines = heading_width(ctx, l.title) > ImGui::GetContentRegionAvail().x ? 2.0f : 1.0f;
  const float title_h = title_lines * (ctx.fonts.heading ? ctx.fonts.heading->FontSize : line) + st.ItemSpacing.y;
  l.height = title_h + 2.0f * (row_height(ctx) + st.ItemSpacing.y) + line + (l.waited_beside_axis ? 0.0f : line);
  return l;
}

void draw_row(SceneContext& ctx, TransportKind k, const LatencySamples& s, const Axis& axis, float label_w) {
  const Theme& t = ctx.theme;
  const ImVec4 col = k == TransportKind::websocket ? t.lane_a : t.lane_b;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = row_height(ctx);
  const float cy = p.y + h * 0.5f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::SetCursorScreenPos(ImVec2(p.x, cy - ImGui::GetTextLineHeight() * 0.5f));
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextColored(col, "%s", transport_kind_name(k));
  ImGui::PopFont();
  dl->AddLine(ImVec2(axis.x0, cy), ImVec2(axis.x0 + axis.width, cy), Theme::u32(t.border), ctx.fonts.px(2.0f));
  const float r = ctx.fonts.px(6.0f);
  std::size_t i = 0;
  for (const LatencySample& m : s.kept()) {
    // Three lanes inside the row, so dots of equal latency stay countable.
    const ImVec2 c(axis.at(m.ms), cy + static_cast<float>(static_cast<int>(i++ % 3) - 1) * r * 1.1f);
    if (m.waited_for_poll) {
      dl->AddCircle(c, r * 1.4f, Theme::u32(t.warn), 0, ctx.fonts.px(3.0f));
    } else {
      dl->AddCircleFilled(c, r, Theme::u32(col, 0.85f));
    }
  }
  char text[64];
  ImGui::SetCursorScreenPos(ImVec2(axis.x0 + axis.width + ctx.fonts.px(14.0f), cy - ImGui::GetTextLineHeight() * 0.5f));
  if (const auto p50 = s.percentile(0.5)) {
    const float x = axis.at(*p50);
    dl->AddLine(ImVec2(x, p.y + h * 0.1f), ImVec2(x, p.y + h * 0.9f), Theme::u32(t.text), ctx.fonts.px(3.0f));
    std::snprintf(text, sizeof text, "p50 %.0f", *p50);
    ImGui::TextUnformatted(text);
  }
  if (const auto p90 = s.percentile(0.9)) {
    const float x = axis.at(*p90);
    dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + h), Theme::u32(t.accent), ctx.fonts.px(3.0f));
    ImGui::SameLine(0, ctx.fonts.px(12.0f));
    std::snprintf(text, sizeof text, "p90 %.0f ms", *p90);
    ImGui::TextColored(t.accent, "%s", text);
  }
  ImGui::SetCursorScreenPos(p);
  ImGui::Dummy(ImVec2(label_w, h));
}

}  // namespace

float latency_panel_height(const SceneContext& ctx, const Stats& stats) { return layout(ctx, stats).height; }

void draw_latency_panel(SceneContext& ctx, const Stats& stats) {
  const Theme& t = ctx.theme;
  const LatencySamples& ws = stats.websocket().latency_samples;
  const LatencySamples& lp = stats.long_poll().latency_samples;
  const Layout l = layout(ctx, stats);
  ImGui::PushFont(ctx.fonts.heading);
  ImGui::PushTextWrapPos(0.0f);   // a narrow window at a large scale gets two lines, not a cut one
  ImGui::TextUnformatted(l.title);
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  if (ws.size() == 0 && lp.size() == 0) {
    text_wrapped_colored(t.text_dim, "No message seen at both ends yet (its send and its delivery).");
    return;
  }
  double max_ms = 1.0;
  for (const LatencySamples* s : {&ws, &lp}) {
    for (const LatencySample& m : s->kept()) max_ms = std::max(max_ms, m.ms);
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const Axis axis{origin.x + l.label_w,
                  std::max(ImGui::GetContentRegionAvail().x - l.label_w - l.values_w, ctx.fonts.px(60.0f)),
                  nice_max(max_ms)};
  if (ws.size() > 0) draw_row(ctx, TransportKind::websocket, ws, axis, l.label_w);
  if (lp.size() > 0) draw_row(ctx, TransportKind::long_poll, lp, axis, l.label_w);

  // The axis: 0, the middle and the end, under the rows.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetCursorScreenPos();
  char v[32];
  dl->AddText(ImVec2(axis.x0, a.y), Theme::u32(t.text_dim), "0");
  std::snprintf(v, sizeof v, "%.0f", axis.max_ms / 2.0);
  dl->AddText(ImVec2(axis.x0 + axis.width * 0.5f - ImGui::CalcTextSize(v).x * 0.5f, a.y), Theme::u32(t.text_dim), v);
  std::snprintf(v, sizeof v, "%.0f ms", axis.max_ms);
  dl->AddText(ImVec2(axis.x0 + axis.width - ImGui::CalcTextSize(v).x, a.y), Theme::u32(t.text_dim), v);
  if (lp.size() > 0 && l.waited_beside_axis) {   // what a ring means, under the long-poll row's figures
    ImGui::SetCursorScreenPos(ImVec2(axis.x0 + axis.width + ctx.fonts.px(14.0f), a.y));
    ImGui::TextColored(t.warn, "%s", l.waited);
  } else {
    ImGui::Dummy(ImVec2(l.label_w, ImGui::GetTextLineHeight()));
    if (lp.size() > 0) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(t.warn, "%s", l.waited);
      ImGui::PopTextWrapPos();
    }
  }
}

}  // namespace viz
