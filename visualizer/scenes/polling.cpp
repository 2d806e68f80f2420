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
  void draw_card(SceneContext& ctx, TransportKind k, const TransportStats& s, double max_bytes);
  void draw_card_text(SceneContext& ctx, TransportKind k, const TransportStats& s, double max_bytes);
  void draw_cumulative_plot(SceneContext& ctx, const Stats& stats);
  void draw_model_table(SceneContext& ctx, const Stats& stats);
  void draw_cumulative(SceneContext& ctx, const Stats& stats);
  void draw_model(SceneContext& ctx, const Stats& stats);

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
  // The title font when the statement fits one line; else the heading font, so the numbers keep the room.
  ImGui::PushFont(ctx.fonts.title);
  const bool one_line = ImGui::CalcTextSize(title).x <= ImGui::GetContentRegionAvail().x;
  ImGui::PopFont();
  ImGui::PushFont(one_line ? ctx.fonts.title : ctx.fonts.heading);
  ImGui::TextColored(t.text, "%s", title);
  ImGui::PopFont();
  help_marker(ctx, "Measured from the bytes the relay mirrored: per chat message, the send leg (client to relay) "
                   "plus the delivery leg (relay to the other client). Headers are WebSocket frame headers or whole "
                   "HTTP heads; payload is the frame payload or the HTTP body. Latency is counted on the transport that delivered the "
                   "message, and only where its send was seen too.");

  const double max_bytes = std::max(ws.bytes_per_message(), lp.bytes_per_message());
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = ctx.fonts.px(24.0f);
  const float card_w = (avail - gap) * 0.5f;
  // Three bands: the latency panel whole when it fits in 45% of the height (else it scrolls), then the
  // cards and the bottom row share the rest; on a short window (a large display scale) the cards scroll too.
  const float body_h = ImGui::GetContentRegionAvail().y - 2.0f * ctx.fonts.px(6.0f) - 3.0f * ImGui::GetStyle().ItemSpacing.y;
  const float latency_h = std::min(latency_panel_height(ctx, stats), body_h * 0.45f);
  const float card_h = std::clamp((body_h - latency_h) * 0.5f, std::min(ctx.fonts.px(60.0f), body_h * 0.3f),
                                  ctx.fonts.px(270.0f));
  ImGui::PushStyleColor(ImGuiCol_ChildBg, t.panel);
  ImGui::BeginChild("ws", ImVec2(card_w, card_h), true);
  draw_card(ctx, TransportKind::websocket, ws, max_bytes);
  ImGui::EndChild();
  ImGui::SameLine(0, gap);
  ImGui::BeginChild("lp", ImVec2(card_w, card_h), true);
  draw_card(ctx, TransportKind::long_poll, lp, max_bytes);
  ImGui::EndChild();
  ImGui::PopStyleColor();

  // The latency distribution (polling_latency.h): where long-polling's spikes show.
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  ImGui::BeginChild("latency", ImVec2(avail, latency_h), false);
  draw_latency_panel(ctx, stats);
  ImGui::EndChild();
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  ImGui::BeginChild("cumulative", ImVec2(avail * 0.52f, 0), false);
  draw_cumulative(ctx, stats);
  ImGui::EndChild();
  ImGui::SameLine(0, gap);
  ImGui::BeginChild("model", ImVec2(0, 0), false);
  draw_model(ctx, stats);
  ImGui::EndChild();
  ImGui::PopTextWrapPos();
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
  if (!s.has_messages()) {
    ImGui::PushFont(ctx.fonts.heading);
    text_wrapped_colored(t.text_dim, k == TransportKind::websocket
                                         ? "No chat messages over WebSocket seen yet."
                                         : "No chat messages over long-poll seen yet.");
    ImGui::PopFont();
    text_wrapped_colored(t.text_dim, k == TransportKind::websocket
                                         ? "Pair two strangers on /chat and send a message."
                                         : "Start a long-polling client (wirelab-relay --demo has one) and send a message.");
    if (s.total_units > 0) {
      ImGui::Text("%llu units (%llu bytes) seen on its connections so far.",
                  static_cast<unsigned long long>(s.total_units), static_cast<unsigned long long>(s.total_bytes()));
    }
    return;
  }
  char a[32], b[32];
  const double hdr = s.header_bytes_per_message(), pay = s.payload_bytes_per_message();
  ImGui::PushFont(ctx.fonts.title);
  ImGui::Text("%s", teach::format_bytes(hdr + pay, a, sizeof a));
  ImGui::PopFont();
  same_line_if_fits(ImGui::CalcTextSize("per message").x);
  ImGui::TextUnformatted("per message (send + delivery)");

  // The bar: headers | payload, scaled to the bigger transport.
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float full = ImGui::GetContentRegionAvail().x;
  const float bar_h = ctx.fonts.px(40.0f);
  const float scale = max_bytes > 0 ? full / static_cast<float>(max_bytes) : 0.0f;
  const float wh = std::max(static_cast<float>(hdr) * scale, 3.0f);
  const float wp = std::max(static_cast<float>(pay) * scale, 3.0f);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + wh, p.y + bar_h), Theme::u32(t.binary_frame));
  dl->AddRectFilled(ImVec2(p.x + wh, p.y), ImVec2(p.x + wh + wp, p.y + bar_h), Theme::u32(t.text_frame));
  ImGui::Dummy(ImVec2(full, bar_h));
  char line[64];
  std::snprintf(line, sizeof line, "\xe2\x96\xa0 headers %s", teach::format_bytes(hdr, a, sizeof a));
  ImGui::TextColored(t.binary_frame, "%s", line);
  std::snprintf(line, sizeof line, "\xe2\x96\xa0 payload %s", teach::format_bytes(pay, b, sizeof b));
  same_line_if_fits(ImGui::CalcTextSize(line).x, ctx.fonts.px(24.0f));
  ImGui::TextColored(t.text_frame, "%s", line);
  std::snprintf(line, sizeof line, "(%.0f%% headers)", hdr + pay > 0 ? 100.0 * hdr / (hdr + pay) : 0.0);
  same_line_if_fits(ImGui::CalcTextSize(line).x, ctx.fonts.px(24.0f));
  ImGui::TextUnformatted(line);

  if (k == TransportKind::websocket) {
    ImGui::Text("HTTP requests per message: 0  (one upgrade per connection, then frames)");
  } else {
    ImGui::Text("HTTP requests per message: %.1f  (%.1f counting every poll)", s.requests_per_message(),
                s.all_requests_per_message());
  }
  if (s.latency.samples > 0) {
    ImGui::Text("Latency send \xe2\x86\x92 delivery: %.1f ms mean  (%.1f\xe2\x80\x93%.1f, %llu seen)", s.latency.mean_ms(),
                s.latency.min_ms, s.latency.max_ms, static_cast<unsigned long long>(s.latency.samples));
  } else {
    text_wrapped_colored(t.text_dim, "Latency: no message seen at both ends yet.");
  }
  ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
  ImGui::Text("%llu sent, %llu delivered; %s on its connections in all", static_cast<unsigned long long>(s.sends),
              static_cast<unsigned long long>(s.deliveries),
              teach::format_bytes(static_cast<double>(s.total_bytes()), a, sizeof a));
  ImGui::PopStyleColor();
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
  char a[32], b[32];
  const float axis_w = ctx.fonts.px(110.0f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float legend_h = ctx.fonts.px(64.0f);
  const float h = std::max(avail.y - legend_h, ctx.fonts.px(60.0f));
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
  if (!wsp.empty()) {
    ImGui::TextColored(transport_color(t, TransportKind::websocket), "\xe2\x80\x94 WebSocket %s after %llu",
                       teach::format_bytes(static_cast<double>(wsp.back().bytes), a, sizeof a),
                       static_cast<unsigned long long>(wsp.back().message));
    same_line_if_fits(ImGui::CalcTextSize("\xe2\x80\x94 long-poll 000.0 KB after 000").x, ctx.fonts.px(24.0f));
  }
  if (!lpp.empty()) {
    ImGui::TextColored(transport_color(t, TransportKind::long_poll), "\xe2\x80\x94 long-poll %s after %llu",
                       teach::format_bytes(static_cast<double>(lpp.back().bytes), b, sizeof b),
                       static_cast<unsigned long long>(lpp.back().message));
  }
  if (!wsp.empty() && !lpp.empty()) {
    const double r = static_cast<double>(lpp.back().bytes) / static_cast<double>(std::max<std::uint64_t>(wsp.back().bytes, 1)) *
                     (static_cast<double>(wsp.back().message) / static_cast<double>(std::max<std::uint64_t>(lpp.back().message, 1)));
    ImGui::Text("Ratio of all bytes per message delivered (upgrades and idle polls included): %.1f\xc3\x97", r);
  }
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
  kind_chip(ctx, UnitKind::control, "MODEL");
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize("measured bytes").x) ImGui::NewLine();   // a first word never overhangs
  ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
  ImGui::TextWrapped("measured bytes per message \xc3\x97 messages per second; no TCP/IP, no idle polls, no pings.");
  ImGui::PopStyleColor();
  // The sliders share a line when it is wide enough (each with its label), else stack, never past the edge.
  const float inner = ImGui::GetStyle().ItemInnerSpacing.x;
  ImGui::SetNextItemWidth(std::max(ctx.fonts.px(60.0f), std::min(ctx.fonts.px(300.0f), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("clients").x - inner)));
  ImGui::SliderInt("clients", &clients_, 1, 100000, "%d", ImGuiSliderFlags_Logarithmic);
  same_line_if_fits(ctx.fonts.px(240.0f) + inner + ImGui::CalcTextSize("msg/min each").x, ctx.fonts.px(20.0f));
  ImGui::SetNextItemWidth(std::max(ctx.fonts.px(60.0f), std::min(ctx.fonts.px(240.0f), ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("msg/min each").x - inner)));
  ImGui::SliderFloat("msg/min each", &messages_per_minute_, 1.0f, 60.0f, "%.0f");
  const teach::Load load{static_cast<std::uint32_t>(std::max(clients_, 0)), messages_per_minute_};

  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("model", 3, flags)) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch, 2.2f);
    ImGui::TableSetupColumn("bandwidth", ImGuiTableColumnFlags_WidthStretch, 1.2f);
    ImGui::TableSetupColumn("requests/s", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableHeadersRow();
    const auto row = [&](const char* name, const ImVec4& col, const teach::Throughput* tp, bool has, bool bold) {
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      if (bold) ImGui::PushFont(ctx.fonts.bold);
      ImGui::TextColored(col, "%s", name);
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
  char m1[16], m2[16], m3[16];
  std::snprintf(m1, sizeof m1, "%.1f", teach::classic_table_mbps(1'000));
  std::snprintf(m2, sizeof m2, "%.0f", teach::classic_table_mbps(10'000));
  std::snprintf(m3, sizeof m3, "%.0f", teach::classic_table_mbps(100'000));
  ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
  ImGui::TextWrapped("Classic figure: Lubbers & Greco, \"HTML5 Web Sockets: A Quantum Leap in Scalability for the "
                     "Web\": 871 bytes of HTTP headers per polled request; 1,000 / 10,000 / 100,000 clients polling "
                     "once a second = %s / %s / %s Mbit/s of headers alone.", m1, m2, m3);
  ImGui::PopStyleColor();
}

}  // namespace

WIRELAB_REGISTER_SCENE(5, []() -> std::unique_ptr<Scene> { return std::make_unique<PollingScene>(); });

}  // namespace viz
