// Scene 2, The Upgrade (issue 4 §3.2): the real upgrade request and its
// answer, every header annotated with what it does and its RFC section;
// Sec-WebSocket-Accept derived step by step with wire's own SHA-1 and base64
// and checked against the response (✓ / ✗); a failed upgrade (400 / 426)
// explained by wire's validator. With nothing selected it shows the first
// upgrade still in the model. Content lives in teach/handshake_notes.h.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "scenes/scene.h"
#include "teach/handshake_notes.h"
#include "ui/widgets.h"
#include "wire/close_code.h"

namespace viz {
namespace {

class UpgradeScene final : public Scene {
 public:
  const char* id() const override { return "upgrade"; }
  const char* title() const override { return "The Upgrade"; }
  void draw(SceneContext& ctx) override;
  std::string shown() const override {
    return shown_conn_ ? "\"conn\":" + std::to_string(*shown_conn_) : std::string("\"conn\":null");
  }

 private:
  std::optional<std::uint64_t> shown_conn_;   // the connection whose handshake the last draw showed
  const ConnView* pick(const SceneContext& ctx, bool& is_default, std::string& why);
  void refresh_upgrades(const SceneContext& ctx);
  void draw_message(SceneContext& ctx, const wire::Http& h, const char* label);
  void draw_accept(SceneContext& ctx, const teach::AcceptDerivation& d);
  void draw_failure(SceneContext& ctx, const wire::Http& req, const wire::Http& resp);
  void draw_other_upgrades(SceneContext& ctx, std::uint64_t shown);

  std::uint64_t cached_version_ = ~std::uint64_t{0};
  std::vector<std::uint64_t> upgrades_;   // connections with an upgrade request still in the model, oldest first
};

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
    ImGui::PushFont(ctx.fonts.heading);
    text_wrapped_colored(t.text_dim, "No WebSocket upgrade seen yet. Open the chat in a browser (or replay a "
                                     "capture): its GET with Upgrade: websocket and the 101 answer appear here.");
    ImGui::PopFont();
    return;
  }
  const Entry* req_e = ctx.model.by_seq(*cv->upgrade_request_seq);
  const Entry* resp_e = cv->upgrade_response_seq ? ctx.model.by_seq(*cv->upgrade_response_seq) : nullptr;
  const wire::Http& req = *req_e->http();
  const wire::Http* resp = resp_e ? resp_e->http() : nullptr;
  const int status = resp ? teach::status_code(resp->start_line) : 0;

  ImGui::PushFont(ctx.fonts.heading);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::Text("Connection #%llu: %s", static_cast<unsigned long long>(cv->conn), req.start_line.c_str());
  ImGui::PopTextWrapPos();
  same_line_if_fits(ImGui::CalcTextSize("\xe2\x86\x92 101: now WebSocket").x, ctx.fonts.px(30.0f));
  if (status == 101) {
    ImGui::TextColored(t.ok, "\xe2\x86\x92 101: now WebSocket");
  } else if (status != 0) {
    ImGui::TextColored(t.bad, "\xe2\x86\x92 %d: upgrade refused", status);
  } else {
    ImGui::TextColored(t.warn, "\xe2\x86\x92 no answer yet");
  }
  ImGui::PopFont();
  if (!why.empty()) text_wrapped_colored(t.text_dim, why.c_str());
  if (is_default && why.empty()) default_note(ctx, "the first upgrade");
  draw_other_upgrades(ctx, cv->conn);
  if (cv->violations > 0) {
    std::string rule = "Connection #" + std::to_string(cv->conn) + " later broke " + std::to_string(cv->violations) +
                       (cv->violations == 1 ? " rule of RFC 6455" : " rules of RFC 6455");
    std::string action = "See its frames in Frame anatomy (key 3)";
    if (cv->close_code) action += "; the relay closed it with " + wire::close_code_name(*cv->close_code);
    violation_banner(ctx, rule.c_str(), action.c_str());
  }

  const float avail = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("messages", ImVec2(avail * 0.68f, 0), false);
  draw_message(ctx, req, "Request (client \xe2\x86\x92 relay)      \xc2\xa7 = section of RFC 6455");
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(10.0f)));
  if (resp) {
    draw_message(ctx, *resp, "Response (relay \xe2\x86\x92 client)");
  } else {
    heading(ctx, "Response");
    text_wrapped_colored(t.text_dim, "Not seen yet.");
  }
  ImGui::EndChild();
  ImGui::SameLine(0, ctx.fonts.px(24.0f));
  ImGui::BeginChild("accept", ImVec2(0, 0), false);
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

// One HTTP message as a table: the start line, then every header with its note.
void UpgradeScene::draw_message(SceneContext& ctx, const wire::Http& h, const char* label) {
  const Theme& t = ctx.theme;
  heading(ctx, label);
  const int status = h.dir == wire::Direction::s2c ? teach::status_code(h.start_line) : 101;
  // The start line on its own line (too long for a table cell), with its note.
  const teach::HeaderNote start = teach::start_line_note(h.start_line, h.dir);
  ImGui::PushFont(ctx.fonts.mono);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(t.accent, "%s", h.start_line.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  same_line_if_fits(ctx.fonts.px(300.0f), ctx.fonts.px(20.0f));   // the note beside the start line, else under it
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextWrapped("%s  [%s]", start.what, start.rfc);
  ImGui::PopTextWrapPos();
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable(label, 4, flags)) return;
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 1.15f);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn("note", ImGuiTableColumnFlags_WidthStretch, 1.65f);
  ImGui::TableSetupColumn("rfc", ImGuiTableColumnFlags_WidthStretch, 0.55f);
  const auto row = [&](const char* name, const std::string& value, const teach::HeaderNote& note) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::PushStyleColor(ImGuiCol_Text, note.handshake ? t.accent : t.text_dim);
    ImGui::TextWrapped("%s", name);
    ImGui::PopStyleColor();
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
    ImGui::TableSetColumnIndex(2);
    ImGui::PushStyleColor(ImGuiCol_Text, note.handshake ? t.text : t.text_dim);
    ImGui::TextWrapped("%s", note.what);
    ImGui::PopStyleColor();
    ImGui::TableSetColumnIndex(3);
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    // "RFC 6455 4.1 (7)" -> "§ 4.1 (7)" (the heading says § means RFC 6455); other RFCs keep their name.
    const std::string_view rfc = note.rfc;
    constexpr std::string_view ours = "RFC 6455 ";
    const std::string shown = rfc.rfind(ours, 0) == 0 ? "\xc2\xa7 " + std::string(rfc.substr(ours.size())) : std::string(rfc);
    ImGui::TextWrapped("%s", shown.c_str());
    ImGui::PopStyleColor();
  };
  for (const auto& [name, value] : h.headers) {
    row((name + ":").c_str(), value, teach::header_note(name, h.dir, status));
  }
  ImGui::EndTable();
  if (h.body_len > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::Text("+ %llu body bytes", static_cast<unsigned long long>(h.body_len));
    ImGui::PopStyleColor();
  }
}

// key + GUID -> SHA-1 -> base64, then the check against what the server sent.
void UpgradeScene::draw_accept(SceneContext& ctx, const teach::AcceptDerivation& d) {
  const Theme& t = ctx.theme;
  heading(ctx, "Sec-WebSocket-Accept, step by step");
  if (d.verdict == teach::AcceptDerivation::Verdict::no_key) {
    text_wrapped_colored(t.bad, "The request has no Sec-WebSocket-Key: there is nothing to derive "
                                "(RFC 6455 4.1 (7) makes it mandatory).");
    return;
  }
  const auto step = [&](const char* n, const char* what, const char* rfc) {
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::Text("%s  %s", n, what);
    ImGui::PopFont();
    if (rfc) help_marker(ctx, rfc);
  };
  ImGui::PushTextWrapPos(0.0f);
  step("1", "The key from the request", "RFC 6455 4.1 (7): 16 random bytes, base64-encoded by the client.");
  ImGui::PushFont(ctx.fonts.mono_big);
  ImGui::TextColored(t.accent, "%s", d.key.c_str());
  ImGui::PopFont();
  step("2", "Append the GUID", "RFC 6455 1.3, 4.2.2 (5.4): the fixed string 258EAFA5-E914-47DA-95CA-C5AB0DC85B11, "
                               "which no HTTP server would echo by accident.");
  ImGui::PushFont(ctx.fonts.mono);
  ImGui::TextColored(t.accent, "%s", d.key.c_str());
  same_line_if_fits(ImGui::CalcTextSize("+").x, 0.0f);
  ImGui::TextColored(t.http, "+");
  ImGui::TextColored(t.http, "%s", std::string(wire::kWebSocketGuid).c_str());
  ImGui::PopFont();
  step("3", "SHA-1 of that text: 20 bytes", "RFC 6455 4.2.2 (5.4), FIPS 180-3: computed here with wire::sha1.");
  ImGui::PushFont(ctx.fonts.mono_big);
  const std::string& hx = d.sha1_hex;   // "b3 7a ..." 59 characters: two lines of 10 bytes
  ImGui::TextUnformatted(hx.substr(0, 29).c_str());
  ImGui::TextUnformatted(hx.size() > 30 ? hx.substr(30).c_str() : "");
  ImGui::PopFont();
  step("4", "base64 of the 20 bytes", "RFC 4648 4: 20 bytes become 28 characters, the last one '='.");
  ImGui::PushFont(ctx.fonts.mono_big);
  ImGui::TextColored(t.ok, "%s", d.accept.c_str());
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted("The server sent");
  ImGui::PopFont();
  ImGui::PushFont(ctx.fonts.mono_big);
  if (d.verdict == teach::AcceptDerivation::Verdict::no_response) {
    ImGui::TextColored(t.text_dim, "(nothing)");
  } else {
    ImGui::TextColored(d.verdict == teach::AcceptDerivation::Verdict::match ? t.ok : t.bad, "%s",
                       d.response_accept.c_str());
  }
  ImGui::PopFont();
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(4.0f)));
  switch (d.verdict) {
    case teach::AcceptDerivation::Verdict::match:
      ImGui::PushFont(ctx.fonts.title);
      ImGui::TextColored(t.ok, "\xe2\x9c\x93 match");
      ImGui::PopFont();
      break;
    case teach::AcceptDerivation::Verdict::mismatch:
      ImGui::PushFont(ctx.fonts.title);
      ImGui::TextColored(t.bad, "\xe2\x9c\x97 mismatch");
      ImGui::PopFont();
      break;
    default:
      text_wrapped_colored(t.text_dim, "No 101 with a Sec-WebSocket-Accept: nothing to check against.");
      break;
  }
  if (d.verdict == teach::AcceptDerivation::Verdict::match) {
    ImGui::TextWrapped("The server read this client's key: it understood a WebSocket handshake, not just HTTP.");
  } else if (d.verdict == teach::AcceptDerivation::Verdict::mismatch) {
    text_wrapped_colored(t.bad, "A client MUST fail the connection when the accept value is wrong (RFC 6455 4.1).");
  }
  ImGui::PopTextWrapPos();
}

// 400 / 426: what the request got wrong, found by wire's validator.
void UpgradeScene::draw_failure(SceneContext& ctx, const wire::Http& req, const wire::Http& resp) {
  const Theme& t = ctx.theme;
  const teach::FailureExplanation x = teach::explain_failed_upgrade(req, resp);
  std::string title = "Upgrade refused: " + resp.start_line;
  violation_banner(ctx, title.c_str(), x.rule.c_str());
  ImGui::PushTextWrapPos(0.0f);
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted("What was wrong");
  ImGui::PopFont();
  ImGui::TextWrapped("%s", x.what_was_wrong.c_str());
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted("What to do");
  ImGui::PopFont();
  ImGui::TextWrapped("%s", x.what_to_do.c_str());
  text_wrapped_colored(t.text_dim, "The connection stays plain HTTP: no frames follow.");
  ImGui::PopTextWrapPos();
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(10.0f)));
}

}  // namespace

WIRELAB_REGISTER_SCENE(2, []() -> std::unique_ptr<Scene> { return std::make_unique<UpgradeScene>(); });

}  // namespace viz
