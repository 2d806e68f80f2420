// Scene 2, The Upgrade (issue 4 §3.2): the real upgrade request and its
// answer, every header annotated with what it does and its RFC section;
// Sec-WebSocket-Accept derived step by step with wire's own SHA-1 and base64
// and checked against the response (✓ / ✗); a failed upgrade (400 / 426)
// explained by wire's validator (upgrade_accept.cpp). With nothing selected it
// shows the first upgrade still in the model. Content lives in teach/handshake_notes.h.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "model/describe.h"
#include "scenes/upgrade.h"
#include "ui/widgets.h"
#include "wire/close_code.h"

namespace viz::upgrade {

void UpgradeScene::refresh_upgrades(const SceneContext& ctx) {
  if (cached_version_ == ctx.model.version()) return;
  cached_version_ = ctx.model.version();
  upgrades_.clear();
  for (const auto& [id, cv] : ctx.model.connections()) {
    if (cv.upgrade_request_seq && ctx.model.by_seq(*cv.upgrade_request_seq)) upgrades_.push_back(id);
  }
}

const ConnView* UpgradeScene::pick(const SceneContext& ctx, bool& is_default, std::string& why) {
  is_default = false;
  std::optional<std::uint64_t> conn = ctx.selection.conn;
  if (const Entry* e = ctx.selected()) conn = e->conn;
  if (conn) {
    const ConnView* cv = ctx.model.conn(*conn);
    if (cv && cv->upgrade_request_seq && ctx.model.by_seq(*cv->upgrade_request_seq)) return cv;
    if (cv) {
      why = "Connection #" + std::to_string(*conn) + " (" + conn_role_name(cv->role) +
            ") has no upgrade in view; showing the first upgrade instead.";
    }
  }
  is_default = true;
  return upgrades_.empty() ? nullptr : ctx.model.conn(upgrades_.front());
}

void UpgradeScene::draw(SceneContext& ctx) {
  const Theme& t = ctx.theme;
  refresh_upgrades(ctx);
  bool is_default = false;
  std::string why;
  const ConnView* cv = pick(ctx, is_default, why);
  shown_conn_ = cv ? std::optional<std::uint64_t>(cv->conn) : std::nullopt;
  if (cv == nullptr) {
    heading(ctx, "The Upgrade (RFC 6455 4)");
    empty_note(ctx, "No WebSocket upgrade seen yet. Open the chat in a browser (or replay a "
                    "capture): its GET with Upgrade: websocket and the 101 answer appear here.");
    return;
  }
  const Entry* req_e = ctx.model.by_seq(*cv->upgrade_request_seq);
  const Entry* resp_e = cv->upgrade_response_seq ? ctx.model.by_seq(*cv->upgrade_response_seq) : nullptr;
  const wire::Http& req = *req_e->http();
  const wire::Http* resp = resp_e ? resp_e->http() : nullptr;
  const int status = resp ? teach::status_code(resp->start_line) : 0;

  // A short window (a large display scale): one title line, no note and no other-upgrades row;
  // the tables keep the handshake's own headers and the derivation its steps, as far as they fit.
  compact_ = lines_left() < kCompactLines;
  // A 101 whose Accept is wrong (a server behind --upstream can send one) is no success: 4.1 says fail it.
  const teach::UpgradeVerdict v = teach::upgrade_verdict(req, resp);
  const char* verdict = v.text.c_str();
  const ImVec4 verdict_col = v.good ? t.ok : v.answered ? t.bad : t.warn;
  if (compact_) {
    ImGui::PushFont(ctx.fonts.bold);
    const std::string line = "#" + std::to_string(cv->conn) + " " + req.start_line + " ";
    const float vw = ImGui::CalcTextSize(verdict).x;
    ImGui::TextUnformatted(fit_text(line, std::max(ctx.fonts.px(60.0f), ImGui::GetContentRegionAvail().x - vw)).c_str());
    ImGui::SameLine(0, 0);
    ImGui::TextColored(verdict_col, "%s", fit_text(verdict, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopFont();
  } else {
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::PushTextWrapPos(0.0f);
    ImGui::Text("Connection #%llu: %s", static_cast<unsigned long long>(cv->conn), req.start_line.c_str());
    ImGui::PopTextWrapPos();
    same_line_if_fits(ImGui::CalcTextSize(verdict).x, ctx.fonts.px(30.0f));
    ImGui::TextColored(verdict_col, "%s", verdict);
    ImGui::PopFont();
    if (!why.empty()) text_wrapped_colored(t.text_dim, why.c_str());
    if (is_default && why.empty()) default_note(ctx, "the first upgrade");
    draw_other_upgrades(ctx, cv->conn);
  }
  if (cv->violations > 0) {
    std::string rule = "Connection #" + std::to_string(cv->conn) + " later broke " + std::to_string(cv->violations) +
                       (cv->violations == 1 ? " rule of RFC 6455" : " rules of RFC 6455");
    std::string action = "See its frames in Frame anatomy (key 3)";
    if (cv->close_code)
      action += (cv->closed_by == wire::ClosedBy::client ? "; the client closed it with " : "; the relay closed it with ") +
                wire::close_code_name(*cv->close_code);
    violation_banner(ctx, rule.c_str(), action.c_str());
  }

  // The header tables need a column about 560 px wide at 1x (four columns of wrapped words); on a
  // window narrower than that at its display scale (1280 px at 2x or 3x) they step aside and the
  // derivation, which checks the handshake, takes the width.
  const float avail = ImGui::GetContentRegionAvail().x;
  if (avail * 0.68f >= ctx.fonts.px(560.0f)) {
    ImGui::BeginChild("messages", ImVec2(avail * 0.68f, 0), false, ImGuiWindowFlags_NoScrollbar);
    draw_message(ctx, req, compact_ ? "Request (client \xe2\x86\x92 relay)"
                                    : "Request (client \xe2\x86\x92 relay)      \xc2\xa7 = section of RFC 6455");
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(10.0f)));
    if (lines_left() < 4.0f) {
      // No room for the response's table: its status is in the title, its accept value beside.
    } else if (resp) {
      draw_message(ctx, *resp, "Response (relay \xe2\x86\x92 client)");
    } else {
      heading(ctx, "Response");
      text_wrapped_colored(t.text_dim, "Not seen yet.");
    }
    ImGui::EndChild();
    ImGui::SameLine(0, ctx.fonts.px(24.0f));
  }
  ImGui::BeginChild("accept", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
  const auto key = teach::find_header(req.headers, "Sec-WebSocket-Key");
  const auto accept = resp ? teach::find_header(resp->headers, "Sec-WebSocket-Accept") : std::nullopt;
  if (resp && status != 101) draw_failure(ctx, req, *resp);
  draw_accept(ctx, teach::derive_accept(key ? std::optional<std::string_view>(*key) : std::nullopt,
                                         accept ? std::optional<std::string_view>(*accept) : std::nullopt));
  ImGui::EndChild();
}

void UpgradeScene::draw_other_upgrades(SceneContext& ctx, std::uint64_t shown) {
  if (upgrades_.size() < 2) return;
  ImGui::PushStyleColor(ImGuiCol_Text, ctx.theme.text_dim);
  ImGui::TextUnformatted("Other upgrades:");
  ImGui::PopStyleColor();
  const std::size_t max_buttons = 12;
  for (std::size_t i = 0; i < upgrades_.size() && i < max_buttons; ++i) {
    const ConnView* cv = ctx.model.conn(upgrades_[i]);
    if (!cv) continue;
    char label[32];
    std::snprintf(label, sizeof label, "#%llu", static_cast<unsigned long long>(cv->conn));
    same_line_if_fits(ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2);
    const bool current = cv->conn == shown;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ctx.theme.selection_bg);
    if (ImGui::Button(label) && cv->upgrade_request_seq) ctx.post(SelectUnit{*cv->upgrade_request_seq});
    if (current) ImGui::PopStyleColor();
  }
  if (upgrades_.size() > max_buttons) {
    same_line_if_fits(ImGui::CalcTextSize("+99 more").x);
    ImGui::Text("+%zu more", upgrades_.size() - max_buttons);
  }
}

// A panel's heading; compact, in the bold body font (a heading-font line is two body lines).
void UpgradeScene::panel_heading(const SceneContext& ctx, const char* text) const {
  if (!compact_) {
    heading(ctx, text);
    return;
  }
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
}

// One HTTP message as a table: the start line, then every header with its note.
void UpgradeScene::draw_message(SceneContext& ctx, const wire::Http& h, const char* label) {
  const Theme& t = ctx.theme;
  panel_heading(ctx, label);
  const int status = h.dir == wire::Direction::s2c ? teach::status_code(h.start_line) : 101;
  // The start line on its own line (too long for a table cell), with its note.
  const teach::HeaderNote start = teach::start_line_note(h.start_line, h.dir);
  ImGui::PushFont(ctx.fonts.mono);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(t.accent, "%s", h.start_line.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  if (!compact_) {   // the note beside the start line, else under it; a compact layout leaves it out
    same_line_if_fits(ctx.fonts.px(300.0f), ctx.fonts.px(20.0f));
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextWrapped("%s  [%s]", start.what, start.rfc);
    ImGui::PopTextWrapPos();
  }
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  // Compact, the notes (the widest column, three lines a row) become the name's tooltip.
  const float w_value = compact_ ? 1.6f : 1.1f, w_note = compact_ ? 0.0f : 1.65f, w_rfc = 0.55f;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float inner_w = ImGui::GetContentRegionAvail().x - 8.0f * st.CellPadding.x;
  // A header name has no space to wrap at: ImGui would break "Sec-WebSocket-Version:" inside the
  // word. So the name column is as wide as the longest name (up to 45% of the table), at scale 2 too.
  float name_px = 0.0f;
  ImGui::PushFont(ctx.fonts.mono);
  for (const auto& [name, value] : h.headers) name_px = std::max(name_px, ImGui::CalcTextSize((name + ":").c_str()).x);
  ImGui::PopFont();
  const float name_share = std::min(0.45f, (name_px + st.CellPadding.x * 2.0f) / std::max(inner_w, 1.0f));
  const float w_name = std::max(1.15f, (w_value + w_note + w_rfc) * name_share / (1.0f - name_share));
  const float w_sum = w_name + w_value + w_note + w_rfc;
  if (!ImGui::BeginTable(label, compact_ ? 3 : 4, flags)) return;
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, w_name);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, w_value);
  if (!compact_) ImGui::TableSetupColumn("note", ImGuiTableColumnFlags_WidthStretch, w_note);
  ImGui::TableSetupColumn("rfc", ImGuiTableColumnFlags_WidthStretch, w_rfc);
  const auto row = [&](const char* name, const std::string& value, const teach::HeaderNote& note) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::PushStyleColor(ImGuiCol_Text, note.handshake ? t.accent : t.text_dim);
    ImGui::TextWrapped("%s", name);
    ImGui::PopStyleColor();
    if (compact_ && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", note.what);
    ImGui::TableSetColumnIndex(1);
    ImGui::PushStyleColor(ImGuiCol_Text, note.handshake ? t.text : t.text_dim);
    // Headers outside the handshake stay on one line (a browser's User-Agent would take five); hover for all of it.
    constexpr std::size_t max_other = 24;
    if (!note.handshake && value.size() > max_other) {
      const std::string cut = value.substr(0, max_other) + "\xe2\x80\xa6";
      ImGui::TextUnformatted(cut.c_str());
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", value.c_str());
    } else {
      ImGui::TextWrapped("%s", value.c_str());
    }
    ImGui::PopStyleColor();
    ImGui::PopFont();
    if (!compact_) {
      ImGui::TableSetColumnIndex(2);
      ImGui::PushStyleColor(ImGuiCol_Text, note.handshake ? t.text : t.text_dim);
      ImGui::TextWrapped("%s", note.what);
      ImGui::PopStyleColor();
    }
    ImGui::TableSetColumnIndex(compact_ ? 2 : 3);
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    // "RFC 6455 4.1 (7)" -> "§ 4.1 (7)" (the heading says § means RFC 6455); other RFCs keep their name.
    const std::string_view rfc = note.rfc;
    constexpr std::string_view ours = "RFC 6455 ";
    const std::string shown = rfc.rfind(ours, 0) == 0 ? "\xc2\xa7 " + std::string(rfc.substr(ours.size())) : std::string(rfc);
    ImGui::TextWrapped("%s", shown.c_str());
    ImGui::PopStyleColor();
  };
  // The handshake's own headers first, then the others, each row only when it fits the panel's
  // height (its tallest cell measured at the columns' share of the width); what is left out is counted.
  const auto row_h = [&](const std::string& name, const std::string& value, const teach::HeaderNote& note) {
    ImGui::PushFont(ctx.fonts.mono);
    float hgt = ImGui::CalcTextSize(name.c_str(), nullptr, false, inner_w * w_name / w_sum).y;
    hgt = std::max(hgt, ImGui::CalcTextSize(note.handshake || value.size() <= 24 ? value.c_str() : "x", nullptr, false,
                                            inner_w * w_value / w_sum).y);
    ImGui::PopFont();
    if (!compact_) hgt = std::max(hgt, ImGui::CalcTextSize(note.what, nullptr, false, inner_w * w_note / w_sum).y);
    hgt = std::max(hgt, ImGui::CalcTextSize(note.rfc, nullptr, false, inner_w * w_rfc / w_sum).y);
    return hgt + st.CellPadding.y * 2.0f + ImGui::GetTextLineHeight() * 0.5f;   // slack: a word wraps a little earlier
  };
  const float more_h = ImGui::GetTextLineHeightWithSpacing() * (h.body_len > 0 ? 2.0f : 1.0f);
  // In wire order when every row fits; else the handshake's rows first.
  float all_h = more_h;
  for (const auto& [name, value] : h.headers) all_h += row_h(name + ":", value, teach::header_note(name, h.dir, status));
  const bool wire_order = !compact_ && room_for(all_h);
  std::size_t left_out = 0;
  // A credential's stars become its label (the relay's "credential #N"), counted in header order.
  std::vector<std::string> shown;
  std::size_t credential = 0;
  for (const auto& [name, value] : h.headers) shown.push_back(shown_header_value(h, name, value, credential));
  for (const bool handshake : {true, false}) {
    for (std::size_t i = 0; i < h.headers.size(); ++i) {
      const std::string& name = h.headers[i].first;
      const teach::HeaderNote note = teach::header_note(name, h.dir, status);
      if (wire_order ? !handshake : note.handshake != handshake) continue;
      if ((compact_ && !handshake) || left_out > 0 || !room_for(row_h(name + ":", shown[i], note) + more_h)) {
        ++left_out;
        continue;
      }
      row((name + ":").c_str(), shown[i], note);
    }
  }
  ImGui::EndTable();
  if (left_out > 0 && room_for(ImGui::GetTextLineHeight())) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    const std::string more = "+ " + std::to_string(left_out) + (left_out == 1 ? " more header" : " more headers");
    ImGui::TextUnformatted(fit_text(more, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopStyleColor();
  }
  if (h.body_len > 0 && room_for(ImGui::GetTextLineHeight())) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::Text("+ %llu body bytes", static_cast<unsigned long long>(h.body_len));
    ImGui::PopStyleColor();
  }
}

}  // namespace viz::upgrade

namespace viz {
WIRELAB_REGISTER_SCENE(2, []() -> std::unique_ptr<Scene> { return std::make_unique<upgrade::UpgradeScene>(); });
}  // namespace viz
