// Scene 5, Polling vs WebSocket (issue 4 §3.5): the same chat over both
// transports, from the MEASURED statistics (model/stats.h): bytes per
// message split into headers and payload, requests per message, latency,
// cumulative bytes and their ratio as thick polylines; then a model for N
// clients x M messages per minute built from the measured sizes, labelled as
// a model, beside the classic 871-bytes-of-headers figure (Lubbers & Greco).
// When a transport has no data yet the scene says so instead of showing zeros.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "model/stats.h"
#include "scenes/polling_latency.h"
#include "scenes/scene.h"
#include "teach/extrapolation.h"
#include "ui/widgets.h"

namespace viz {
namespace {

ImVec4 transport_color(const Theme& t, TransportKind k) { return k == TransportKind::websocket ? t.lane_a : t.lane_b; }

teach::MessageCost cost_of(const TransportStats& s) {
  return teach::MessageCost{s.header_bytes_per_message(), s.payload_bytes_per_message(), s.requests_per_message()};
}

class PollingScene final : public Scene {
 public:
  const char* id() const override { return "polling"; }
  const char* title() const override { return "Polling vs WebSocket"; }
  void draw(SceneContext& ctx) override;

 private:
  float card_height(const SceneContext& ctx, bool full) const;
  void draw_card(SceneContext& ctx, TransportKind k, const TransportStats& s, double max_bytes);
  void draw_card_text(SceneContext& ctx, TransportKind k, const TransportStats& s, double max_bytes);
  void draw_cumulative_plot(SceneContext& ctx, const Stats& stats);
  void draw_model_table(SceneContext& ctx, const Stats& stats);
  void draw_cumulative(SceneContext& ctx, const Stats& stats);
  void draw_model(SceneContext& ctx, const Stats& stats);

  bool compact_cards_ = false;         // this frame's cards are short: a smaller number, a thinner bar
  int clients_ = 1000;                 // slider: N clients
  float messages_per_minute_ = 6.0f;   // slider: per client
};

void PollingScene::draw(SceneContext& ctx) {
  const Theme& t = ctx.theme;
  const Stats& stats = ctx.model.stats();
  const TransportStats& ws = stats.websocket();
  const TransportStats& lp = stats.long_poll();

  // Every line wraps at its panel's edge: at a projector's display scale two lines beat a cut one.
  ImGui::PushTextWrapPos(0.0f);
  char title[128];
  if (const auto ratio = stats.bytes_ratio()) {
    std::snprintf(title, sizeof title, "Long-poll sends %.1f\xc3\x97 the bytes of WebSocket per chat message", *ratio);
  } else {
    std::snprintf(title, sizeof title, "Polling vs WebSocket: the same chat, measured");
  }
  // The title font when the statement fits one line; else the heading font in at most two lines,
  // else (a short window) the bold body font: the numbers below keep the room.
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const bool short_window = ImGui::GetContentRegionAvail().y < 9.0f * line;
  ImGui::PushFont(ctx.fonts.title);
  const bool one_line = ImGui::CalcTextSize(title).x <= ImGui::GetContentRegionAvail().x;
  ImGui::PopFont();
  ImGui::PushFont(ctx.fonts.heading);
  const bool two_lines = wrapped_height(title) <= 2.2f * ImGui::GetTextLineHeight();
  ImGui::PopFont();
  ImGui::PushFont(one_line ? ctx.fonts.title : two_lines && !short_window ? ctx.fonts.heading : ctx.fonts.bold);
  ImGui::TextColored(t.text, "%s", title);
  ImGui::PopFont();
  help_marker(ctx, "Measured from the bytes the relay mirrored: per chat message, the send leg (client to relay) "
                   "plus the delivery leg (relay to the other client). Headers are WebSocket frame headers or whole "
                   "HTTP heads; payload is the frame payload or the HTTP body. Latency is counted on the transport that delivered the "
                   "message, and only where its send was seen too.");

  // The panels share the height left by need, most important first: the two cards (bytes per
  // message), the latency distribution, then the bottom row (cumulative bytes | the model). Each
  // panel draws only the lines that fit the height it got, so nothing needs a scrollbar; a row too
  // short for a heading and a few lines steps aside. A new panel joins this list with its own minimum.
  const double max_bytes = std::max(ws.bytes_per_message(), lp.bytes_per_message());
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float gap = ctx.fonts.px(24.0f);
  const float card_w = (avail.x - gap) * 0.5f;
  const float spacing = ImGui::GetStyle().ItemSpacing.y;
  const float card_full = card_height(ctx, true), card_small = card_height(ctx, false);
  // The latency distribution (polling_latency.h) comes next, whole or not at all: it is where
  // long-polling's spikes show, so it goes before the bottom row.
  const float latency_h = latency_panel_height(ctx, stats);
  const bool latency_row = avail.y >= card_small + spacing + latency_h;
  const float rest = avail.y - (latency_row ? latency_h + spacing : 0.0f);
  const float bottom_min = ImGui::GetFontSize() * 2.0f + 4.0f * line;    // a heading and a few lines
  const float bottom_want = ImGui::GetFontSize() * 2.0f + 8.0f * line;   // the model's sliders and table too
  const bool bottom_row = rest >= card_small + spacing + bottom_min;
  const float card_h = bottom_row ? std::clamp(rest - spacing - bottom_want, card_small, card_full)
                                  : std::min(rest, card_full);
  compact_cards_ = card_h < card_full;
  ImGui::PushStyleColor(ImGuiCol_ChildBg, t.panel);
  ImGui::BeginChild("ws", ImVec2(card_w, card_h), true, ImGuiWindowFlags_NoScrollbar);
  draw_card(ctx, TransportKind::websocket, ws, max_bytes);
  ImGui::EndChild();
  ImGui::SameLine(0, gap);
  ImGui::BeginChild("lp", ImVec2(card_w, card_h), true, ImGuiWindowFlags_NoScrollbar);
  draw_card(ctx, TransportKind::long_poll, lp, max_bytes);
  ImGui::EndChild();
  ImGui::PopStyleColor();

  if (latency_row) {
    ImGui::BeginChild("latency", ImVec2(avail.x, latency_h), false, ImGuiWindowFlags_NoScrollbar);
    draw_latency_panel(ctx, stats);
    ImGui::EndChild();
  }
  if (bottom_row) {
    const float bottom_h = ImGui::GetContentRegionAvail().y;
    ImGui::BeginChild("cumulative", ImVec2(avail.x * 0.52f, bottom_h), false, ImGuiWindowFlags_NoScrollbar);
    draw_cumulative(ctx, stats);
    ImGui::EndChild();
    ImGui::SameLine(0, gap);
    ImGui::BeginChild("model", ImVec2(0, bottom_h), false, ImGuiWindowFlags_NoScrollbar);
    draw_model(ctx, stats);
    ImGui::EndChild();
  }
  ImGui::PopTextWrapPos();
}

// A card's height: the name, the bytes per message, the bar, then (full) the legend and three lines.
float PollingScene::card_height(const SceneContext& ctx, bool full) const {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float head = ctx.fonts.px(FontSizes::heading) * 1.2f + st.ItemSpacing.y;
  if (!full) return 2.0f * head + ctx.fonts.px(20.0f) + st.ItemSpacing.y + st.WindowPadding.y * 2.0f + 2.0f;
  return head + ctx.fonts.px(FontSizes::title) * 1.2f + st.ItemSpacing.y + ctx.fonts.px(40.0f) + st.ItemSpacing.y +
         4.0f * line + st.WindowPadding.y * 2.0f + 2.0f;
}

void PollingScene::draw_card(SceneContext& ctx, TransportKind k, const TransportStats& s, double max_bytes) {
  ImGui::PushTextWrapPos(0.0f);   // a child window starts without its parent's wrap position
  draw_card_text(ctx, k, s, max_bytes);
  ImGui::PopTextWrapPos();
}

void PollingScene::draw_card_text(SceneContext& ctx, TransportKind k, const TransportStats& s, double max_bytes) {
  const Theme& t = ctx.theme;
  ImGui::PushFont(ctx.fonts.heading);
  ImGui::TextColored(transport_color(t, k), "%s", transport_kind_name(k));
  ImGui::PopFont();
  // A line only when it fits what is left of the card (the least important last).
  const auto colored = [](const ImVec4& col, const char* text) { text_wrapped_if_room(col, text); };
  if (!s.has_messages()) {
    ImGui::PushFont(ctx.fonts.heading);
    colored(t.text_dim, k == TransportKind::websocket ? "No chat messages over WebSocket seen yet."
                                                      : "No chat messages over long-poll seen yet.");
    ImGui::PopFont();
    colored(t.text_dim, k == TransportKind::websocket
                            ? "Pair two strangers on /chat and send a message."
                            : "Start a long-polling client (wirelab-relay --demo has one) and send a message.");
    if (s.total_units > 0) {
      char seen[96];
      std::snprintf(seen, sizeof seen, "%llu units (%llu bytes) seen on its connections so far.",
                    static_cast<unsigned long long>(s.total_units), static_cast<unsigned long long>(s.total_bytes()));
      colored(t.text, seen);
    }
    return;
  }
  char a[32], b[32];
  const double hdr = s.header_bytes_per_message(), pay = s.payload_bytes_per_message();
  // A compact card (a short window) gives the number the heading font and the bar half height.
  ImGui::PushFont(compact_cards_ ? ctx.fonts.heading : ctx.fonts.title);
  ImGui::Text("%s", teach::format_bytes(hdr + pay, a, sizeof a));
  ImGui::PopFont();
  const char* per = compact_cards_ ? "per message" : "per message (send + delivery)";
  if (same_line_if_fits(ImGui::CalcTextSize(per).x)) ImGui::TextUnformatted(per);

  // The bar: headers | payload, scaled to the bigger transport.
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float full = ImGui::GetContentRegionAvail().x;
  const float bar_h = ctx.fonts.px(compact_cards_ ? 20.0f : 40.0f);
  const float scale = max_bytes > 0 ? full / static_cast<float>(max_bytes) : 0.0f;
  const float wh = std::max(static_cast<float>(hdr) * scale, 3.0f);
  const float wp = std::max(static_cast<float>(pay) * scale, 3.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + wh, p.y + bar_h), Theme::u32(t.binary_frame));
  dl->AddRectFilled(ImVec2(p.x + wh, p.y), ImVec2(p.x + wh + wp, p.y + bar_h), Theme::u32(t.text_frame));
  ImGui::Dummy(ImVec2(full, bar_h));
  char line[96];
  std::snprintf(line, sizeof line, "\xe2\x96\xa0 headers %s", teach::format_bytes(hdr, a, sizeof a));
  if (!room_for(ImGui::GetTextLineHeight())) return;
  ImGui::TextColored(t.binary_frame, "%s", line);
  std::snprintf(line, sizeof line, "\xe2\x96\xa0 payload %s", teach::format_bytes(pay, b, sizeof b));
  if (same_line_if_fits(ImGui::CalcTextSize(line).x, ctx.fonts.px(24.0f)) || room_for(ImGui::GetTextLineHeight()))
    ImGui::TextColored(t.text_frame, "%s", line);
  std::snprintf(line, sizeof line, "(%.0f%% headers)", hdr + pay > 0 ? 100.0 * hdr / (hdr + pay) : 0.0);
  if (same_line_if_fits(ImGui::CalcTextSize(line).x, ctx.fonts.px(24.0f)) || room_for(ImGui::GetTextLineHeight()))
    ImGui::TextUnformatted(line);

  if (s.latency.samples > 0) {
    std::snprintf(line, sizeof line, "Latency send \xe2\x86\x92 delivery: %.1f ms mean  (%.1f\xe2\x80\x93%.1f, %llu seen)",
                  s.latency.mean_ms(), s.latency.min_ms, s.latency.max_ms, static_cast<unsigned long long>(s.latency.samples));
    colored(t.text, line);
  } else {
    colored(t.text_dim, "Latency: no message seen at both ends yet.");
  }
  if (k == TransportKind::websocket) {
    colored(t.text, "HTTP requests per message: 0  (one upgrade per connection, then frames)");
  } else {
    std::snprintf(line, sizeof line, "HTTP requests per message: %.1f  (%.1f counting every poll)",
                  s.requests_per_message(), s.all_requests_per_message());
    colored(t.text, line);
  }
  std::snprintf(line, sizeof line, "%llu sent, %llu delivered; %s on its connections in all",
                static_cast<unsigned long long>(s.sends), static_cast<unsigned long long>(s.deliveries),
                teach::format_bytes(static_cast<double>(s.total_bytes()), a, sizeof a));
  colored(t.text_dim, line);
}

// Cumulative bytes per transport against messages delivered: thick polylines.
void PollingScene::draw_cumulative(SceneContext& ctx, const Stats& stats) {
  ImGui::PushTextWrapPos(0.0f);
  draw_cumulative_plot(ctx, stats);
  ImGui::PopTextWrapPos();
}

void PollingScene::draw_cumulative_plot(SceneContext& ctx, const Stats& stats) {
  const Theme& t = ctx.theme;
  heading(ctx, "Cumulative bytes on the wire");
  const auto& wsp = stats.websocket().cumulative();
  const auto& lpp = stats.long_poll().cumulative();
  if (wsp.empty() && lpp.empty()) {
    text_wrapped_colored(t.text_dim, "No chat messages delivered yet: nothing to plot.");
    return;
  }
  std::uint64_t max_x = 1, max_y = 1;
  for (const auto* v : {&wsp, &lpp}) {
    if (!v->empty()) {
      max_x = std::max(max_x, v->back().message);
      max_y = std::max(max_y, v->back().bytes);
    }
  }
  char a[32], b[32], la[96], lb[96], ratio[128];
  std::snprintf(la, sizeof la, "\xe2\x80\x94 WebSocket %s after %llu",
                wsp.empty() ? "" : teach::format_bytes(static_cast<double>(wsp.back().bytes), a, sizeof a),
                static_cast<unsigned long long>(wsp.empty() ? 0 : wsp.back().message));
  std::snprintf(lb, sizeof lb, "\xe2\x80\x94 long-poll %s after %llu",
                lpp.empty() ? "" : teach::format_bytes(static_cast<double>(lpp.back().bytes), b, sizeof b),
                static_cast<unsigned long long>(lpp.empty() ? 0 : lpp.back().message));
  ratio[0] = 0;
  if (!wsp.empty() && !lpp.empty()) {
    const double r = static_cast<double>(lpp.back().bytes) / static_cast<double>(std::max<std::uint64_t>(wsp.back().bytes, 1)) *
                     (static_cast<double>(wsp.back().message) / static_cast<double>(std::max<std::uint64_t>(lpp.back().message, 1)));
    std::snprintf(ratio, sizeof ratio, "Ratio of all bytes per message delivered (upgrades and idle polls included): %.1f\xc3\x97", r);
  }
  const float axis_w = ctx.fonts.px(110.0f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The legend under the plot: one line per transport (or one for both when wide), then the ratio
  // when the plot keeps at least four lines of height with it.
  const float legend_line = ImGui::GetTextLineHeightWithSpacing();
  const bool legend_one_line = ImGui::CalcTextSize(la).x + ImGui::CalcTextSize(lb).x + ctx.fonts.px(24.0f) <= avail.x;
  float legend_h = (wsp.empty() || lpp.empty() || legend_one_line ? 1.0f : 2.0f) * legend_line;
  const float ratio_h = ratio[0] ? ImGui::CalcTextSize(ratio, nullptr, false, avail.x).y + ImGui::GetStyle().ItemSpacing.y : 0.0f;
  const bool show_ratio = ratio[0] && avail.y - legend_h - ratio_h >= 4.0f * legend_line;
  if (show_ratio) legend_h += ratio_h;
  const float h = std::max(avail.y - legend_h - ImGui::GetStyle().ItemSpacing.y, ctx.fonts.px(60.0f));
  const ImVec2 o(p.x + axis_w, p.y + h - ctx.fonts.px(30.0f));   // the plot's origin
  const float w = avail.x - axis_w - ctx.fonts.px(10.0f);
  const float ph = h - ctx.fonts.px(40.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float thin = ctx.fonts.px(2.0f);
  dl->AddLine(o, ImVec2(o.x + w, o.y), Theme::u32(t.border), thin);
  dl->AddLine(o, ImVec2(o.x, o.y - ph), Theme::u32(t.border), thin);
  // Axis labels only where they do not overlap (a short plot at a large display scale keeps the top one).
  const float line_h = ImGui::GetTextLineHeight();
  dl->AddText(ImVec2(p.x, o.y - ph), Theme::u32(t.text_dim),
              teach::format_bytes(static_cast<double>(max_y), a, sizeof a));
  if (ph > 2.0f * line_h) dl->AddText(ImVec2(p.x, o.y - ctx.fonts.px(24.0f)), Theme::u32(t.text_dim), "0");
  // A middle grid line with its value, so the slope can be read off.
  dl->AddLine(ImVec2(o.x, o.y - ph * 0.5f), ImVec2(o.x + w, o.y - ph * 0.5f), Theme::u32(t.border, 0.6f), thin);
  if (ph > 4.0f * line_h)
    dl->AddText(ImVec2(p.x, o.y - ph * 0.5f - ctx.fonts.px(12.0f)), Theme::u32(t.text_dim),
                teach::format_bytes(static_cast<double>(max_y) / 2.0, a, sizeof a));
  std::snprintf(b, sizeof b, "%llu messages", static_cast<unsigned long long>(max_x));
  const ImVec2 bs = ImGui::CalcTextSize(b);
  dl->AddText(ImVec2(o.x + w - bs.x, o.y + ctx.fonts.px(4.0f)), Theme::u32(t.text_dim), b);
  const auto plot = [&](const std::vector<CumulativePoint>& pts, const ImVec4& col) {
    if (pts.empty()) return;
    std::vector<ImVec2> line;
    line.reserve(pts.size() + 1);
    line.emplace_back(o);
    // Both axes only grow, so within one pixel column the newest point stands
    // for the others: at most one vertex per column (200,000 events give
    // thousands of points, each costing the rasteriser a few triangles).
    for (const CumulativePoint& c : pts) {
      const ImVec2 v(o.x + w * static_cast<float>(c.message) / static_cast<float>(max_x),
                     o.y - ph * static_cast<float>(c.bytes) / static_cast<float>(max_y));
      if (line.size() > 1 && std::floor(line.back().x) == std::floor(v.x)) line.back() = v;
      else line.push_back(v);
    }
    dl->AddPolyline(line.data(), static_cast<int>(line.size()), Theme::u32(col), ImDrawFlags_None, ctx.fonts.px(5.0f));
  };
  plot(wsp, transport_color(t, TransportKind::websocket));
  plot(lpp, transport_color(t, TransportKind::long_poll));
  ImGui::Dummy(ImVec2(avail.x, h));
  // Legend and the ratio at the same message count.
  if (!wsp.empty()) ImGui::TextColored(transport_color(t, TransportKind::websocket), "%s", la);
  if (!lpp.empty()) {
    if (!wsp.empty()) same_line_if_fits(ImGui::CalcTextSize(lb).x, ctx.fonts.px(24.0f));
    ImGui::TextColored(transport_color(t, TransportKind::long_poll), "%s", lb);
  }
  if (show_ratio) ImGui::TextWrapped("%s", ratio);
}

// N clients x M messages a minute from the measured sizes: a MODEL.
void PollingScene::draw_model(SceneContext& ctx, const Stats& stats) {
  ImGui::PushTextWrapPos(0.0f);
  draw_model_table(ctx, stats);
  ImGui::PopTextWrapPos();
}

void PollingScene::draw_model_table(SceneContext& ctx, const Stats& stats) {
  const Theme& t = ctx.theme;
  heading(ctx, "What if the whole school chatted?");
  // By need, as the height allows: the sliders and the table, then what the model leaves out, then
  // the classic figure.
  const ImGuiStyle& st = ImGui::GetStyle();
  const float inner = st.ItemInnerSpacing.x;
  const bool sliders_one_line = ImGui::GetContentRegionAvail().x >= ctx.fonts.px(540.0f) + ctx.fonts.px(20.0f) +
                                    ImGui::CalcTextSize("clientsmsg/min each").x + 2.0f * inner;
  const float row_h = ImGui::GetTextLineHeight() + st.CellPadding.y * 2.0f;
  const float core_h = ImGui::GetFrameHeightWithSpacing() * (sliders_one_line ? 1.0f : 2.0f) + 5.0f * row_h;
  const char* what = "measured bytes per message \xc3\x97 messages per second; no TCP/IP, no idle polls, no pings.";
  const float chip_w = ImGui::CalcTextSize("MODEL").x + ctx.fonts.px(12.0f) + st.ItemSpacing.x;
  const float what_h = ImGui::CalcTextSize(what, nullptr, false, ImGui::GetContentRegionAvail().x - chip_w).y;
  if (room_for(core_h + what_h + st.ItemSpacing.y)) {
    kind_chip(ctx, UnitKind::control, "MODEL");
    if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("measured bytes").x) ImGui::NewLine();   // a first word never overhangs
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::TextWrapped("%s", what);
    ImGui::PopStyleColor();
  }
  char m1[16], m2[16], m3[16];
  std::snprintf(m1, sizeof m1, "%.1f", teach::classic_table_mbps(1'000));
  std::snprintf(m2, sizeof m2, "%.0f", teach::classic_table_mbps(10'000));
  std::snprintf(m3, sizeof m3, "%.0f", teach::classic_table_mbps(100'000));
  char classic[320];
  std::snprintf(classic, sizeof classic,
                "Classic figure: Lubbers & Greco, \"HTML5 Web Sockets: A Quantum Leap in Scalability for the "
                "Web\": 871 bytes of HTTP headers per polled request; 1,000 / 10,000 / 100,000 clients polling "
                "once a second = %s / %s / %s Mbit/s of headers alone.", m1, m2, m3);
  const auto classic_if_room = [&] {
    if (!room_for(wrapped_height(classic) + st.ItemSpacing.y)) return;
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::TextWrapped("%s", classic);
    ImGui::PopStyleColor();
  };
  // Sliders without the measured rows would be controls for nothing: then the classic figure alone.
  if (!room_for(core_h - 2.0f * row_h)) {
    classic_if_room();
    return;
  }
  // The sliders share a line when it is wide enough (each with its label), else stack, never past the edge.
  ImGui::SetNextItemWidth(std::max(ctx.fonts.px(60.0f), std::min(ctx.fonts.px(300.0f), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("clients").x - inner)));
  ImGui::SliderInt("clients", &clients_, 1, 100000, "%d", ImGuiSliderFlags_Logarithmic);
  same_line_if_fits(ctx.fonts.px(240.0f) + inner + ImGui::CalcTextSize("msg/min each").x, ctx.fonts.px(20.0f));
  ImGui::SetNextItemWidth(std::max(ctx.fonts.px(60.0f), std::min(ctx.fonts.px(240.0f), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("msg/min each").x - inner)));
  ImGui::SliderFloat("msg/min each", &messages_per_minute_, 1.0f, 60.0f, "%.0f");
  const teach::Load load{static_cast<std::uint32_t>(std::max(clients_, 0)), messages_per_minute_};

  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (room_for(2.0f * row_h) && ImGui::BeginTable("model", 3, flags)) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableSetupColumn("bandwidth", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("requests/s", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    const auto row = [&](const char* name, const ImVec4& col, const teach::Throughput* tp, bool has, bool bold) {
      if (!room_for(row_h)) return;   // the measured rows come first; the classic ones go when short
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      if (bold) ImGui::PushFont(ctx.fonts.bold);
      // One line a row (the height was counted so): a narrow column elides the name, hover shows it.
      const std::string shown = fit_text(name, ImGui::GetContentRegionAvail().x);
      ImGui::PushStyleColor(ImGuiCol_Text, col);
      ImGui::TextUnformatted(shown.c_str());
      ImGui::PopStyleColor();
      if (shown != name && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", name);
      if (bold) ImGui::PopFont();
      char a[32];
      ImGui::TableSetColumnIndex(1);
      if (!has || !tp) {
        ImGui::TextColored(t.text_dim, "no data yet");
        return;
      }
      if (bold) ImGui::PushFont(ctx.fonts.bold);
      ImGui::TextUnformatted(teach::format_bits_per_second(tp->bits_per_second(), a, sizeof a));
      if (bold) ImGui::PopFont();
      ImGui::TableSetColumnIndex(2);
      ImGui::Text("%.0f", tp->requests_per_second);
    };
    const teach::Throughput ws = teach::extrapolate(cost_of(stats.websocket()), load);
    const teach::Throughput lp = teach::extrapolate(cost_of(stats.long_poll()), load);
    const teach::Throughput cp = teach::classic_polling(load);
    const teach::Throughput cw = teach::classic_websocket(load);
    row("WebSocket (measured sizes)", transport_color(t, TransportKind::websocket), &ws,
        stats.websocket().has_messages(), true);
    row("long-poll (measured sizes)", transport_color(t, TransportKind::long_poll), &lp,
        stats.long_poll().has_messages(), true);
    row("classic: 871 B headers per poll", t.text_dim, &cp, true, false);
    row("classic: 2 B per WebSocket frame", t.text_dim, &cw, true, false);
    ImGui::EndTable();
  }
  classic_if_room();
}

}  // namespace

WIRELAB_REGISTER_SCENE(5, []() -> std::unique_ptr<Scene> { return std::make_unique<PollingScene>(); });

}  // namespace viz
