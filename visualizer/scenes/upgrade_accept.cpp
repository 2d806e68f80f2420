// Scene 2, The Upgrade: Sec-WebSocket-Accept derived step by step with wire's own
// SHA-1 and base64 and checked against the response (compact on a short window),
// and a refused upgrade (400 / 426) explained by wire's validator.
#include <algorithm>
#include <cstdio>
#include <string>

#include "scenes/upgrade.h"
#include "ui/widgets.h"
#include "wire/handshake.h"

namespace viz::upgrade {

// key + GUID -> SHA-1 -> base64, then the check against what the server sent.
void UpgradeScene::draw_accept(SceneContext& ctx, const teach::AcceptDerivation& d) {
  const Theme& t = ctx.theme;
  if (!compact_) panel_heading(ctx, "Sec-WebSocket-Accept, step by step");
  if (d.verdict == teach::AcceptDerivation::Verdict::no_key) {
    text_wrapped_colored(t.bad, "The request has no Sec-WebSocket-Key: there is nothing to derive "
                                "(RFC 6455 4.1 (7) makes it mandatory).");
    return;
  }
  if (compact_) {
    draw_accept_compact(ctx, d);
    return;
  }
  const auto step = [&](const char* n, const char* what, const char* rfc) {
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::Text("%s  %s", n, what);
    ImGui::PopFont();
    if (rfc) help_marker(ctx, rfc);
  };
  // The big mono font when the whole derivation fits the panel's height in it; else the body-size
  // one; a step whose lines do not fit (with the verdict's) is left out: the key, the result and
  // the check against the server matter most, so steps 2 and 3 go first.
  const ImGuiStyle& st = ImGui::GetStyle();
  const float label_h = ImGui::GetTextLineHeightWithSpacing();
  ImGui::PushFont(ctx.fonts.mono_big);
  const float big_line = ImGui::GetTextLineHeightWithSpacing();
  const float big_w = ImGui::CalcTextSize("dGhlIHNhbXBsZSBub25jZQ==").x;
  ImGui::PopFont();
  const bool big = !compact_ && big_w <= ImGui::GetContentRegionAvail().x &&
                   room_for(6.0f * label_h + 7.0f * big_line + ctx.fonts.px(FontSizes::title) * 1.3f + 2.0f * label_h);
  ImFont* value_font = big ? ctx.fonts.mono_big : ctx.fonts.mono;
  const float value_line = big ? big_line : label_h;
  const float verdict_h = ctx.fonts.px(FontSizes::title) * 1.2f + ctx.fonts.px(10.0f) + st.ItemSpacing.y + label_h +
                          value_line;
  const bool all_steps = room_for(4.0f * label_h + 5.0f * value_line + verdict_h + 2.0f * label_h);
  ImGui::PushTextWrapPos(0.0f);
  // A value wraps when the height allows (a base64 string has no spaces: it breaks anywhere), else
  // it is elided to one line.
  const auto value = [&](const ImVec4& col, const std::string& v) {
    ImGui::PushFont(value_font);
    const bool wrap = room_for(wrapped_height(v.c_str()) + verdict_h);
    ImGui::PushStyleColor(ImGuiCol_Text, col);
    if (wrap) ImGui::TextWrapped("%s", v.c_str());
    else ImGui::TextUnformatted(fit_text(v, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
  };
  if (room_for(label_h + value_line + verdict_h)) {
    step("1", "The key from the request", "RFC 6455 4.1 (7): 16 random bytes, base64-encoded by the client.");
    value(t.accent, d.key);
  }
  if (all_steps) {
    step("2", "Append the GUID", "RFC 6455 1.3, 4.2.2 (5.4): the fixed string 258EAFA5-E914-47DA-95CA-C5AB0DC85B11, "
                                 "which no HTTP server would echo by accident.");
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::TextColored(t.accent, "%s", fit_text(d.key, ImGui::GetContentRegionAvail().x).c_str());
    same_line_if_fits(ImGui::CalcTextSize("+").x, 0.0f);
    ImGui::TextColored(t.http, "+");
    ImGui::TextColored(t.http, "%s", fit_text(std::string(wire::kWebSocketGuid), ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopFont();
    step("3", "SHA-1 of that text: 20 bytes", "RFC 6455 4.2.2 (5.4), FIPS 180-3: computed here with wire::sha1.");
    const std::string& hx = d.sha1_hex;   // "b3 7a ..." 59 characters: two lines of 10 bytes
    value(t.text, hx.substr(0, 29));
    value(t.text, hx.size() > 30 ? hx.substr(30) : std::string());
  }
  if (room_for(label_h + value_line + verdict_h)) {
    step(all_steps ? "4" : "2\xe2\x80\x93" "4", all_steps ? "base64 of the 20 bytes" : "+ GUID, SHA-1, base64",
         "RFC 4648 4: 20 bytes become 28 characters, the last one '='.");
    value(t.ok, d.accept);
  }
  if (big) ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::TextUnformatted("The server sent");
  ImGui::PopFont();
  ImGui::PushFont(value_font);
  if (d.verdict == teach::AcceptDerivation::Verdict::no_response) {
    ImGui::TextColored(t.text_dim, "(nothing)");
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, d.verdict == teach::AcceptDerivation::Verdict::match ? t.ok : t.bad);
    if (room_for(wrapped_height(d.response_accept.c_str()) + ctx.fonts.px(FontSizes::title) * 1.2f))
      ImGui::TextWrapped("%s", d.response_accept.c_str());
    else
      ImGui::TextUnformatted(fit_text(d.response_accept, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopStyleColor();
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
    text_wrapped_if_room(t.text, "The server read this client's key: it understood a WebSocket handshake, not just HTTP.");
  } else if (d.verdict == teach::AcceptDerivation::Verdict::mismatch) {
    text_wrapped_if_room(t.bad, "A client MUST fail the connection when the accept value is wrong (RFC 6455 4.1).");
  }
  ImGui::PopTextWrapPos();
}

// Compact (a short window): the key, the formula with its result, and the check in four lines; a
// label and its value share a line when they fit; the GUID and the SHA-1 bytes are left out.
void UpgradeScene::draw_accept_compact(SceneContext& ctx, const teach::AcceptDerivation& d) {
  const Theme& t = ctx.theme;
  const auto labelled = [&](const char* label, const char* help, const ImVec4& col, const std::string& v) {
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::PushTextWrapPos(0.0f);   // a narrow panel wraps the label
    ImGui::TextUnformatted(label);
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    if (help) help_marker(ctx, help);
    ImGui::PushFont(ctx.fonts.mono);
    const bool beside = same_line_if_fits(ImGui::CalcTextSize(v.c_str()).x);
    ImGui::PushStyleColor(ImGuiCol_Text, col);
    // Wrapped (base64 breaks anywhere) when the panel keeps two more lines for the check; else elided.
    if (!beside && room_for(wrapped_height(v.c_str()) + 3.0f * ImGui::GetTextLineHeightWithSpacing()))
      ImGui::TextWrapped("%s", v.c_str());
    else
      ImGui::TextUnformatted(fit_text(v, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
  };
  labelled("Sec-WebSocket-Key", "RFC 6455 4.1 (7): 16 random bytes, base64-encoded by the client.", t.accent, d.key);
  labelled("base64(SHA-1(key + GUID))",
           "RFC 6455 4.2.2 (5.4): append the fixed GUID 258EAFA5-E914-47DA-95CA-C5AB0DC85B11, take SHA-1 "
           "(20 bytes), encode in base64 (28 characters).",
           t.ok, d.accept);
  using V = teach::AcceptDerivation::Verdict;
  ImGui::PushFont(ctx.fonts.heading);
  if (d.verdict == V::match) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(t.ok, "\xe2\x9c\x93 the server sent the same");
    ImGui::PopTextWrapPos();
  } else if (d.verdict == V::mismatch) {
    ImGui::TextColored(t.bad, "\xe2\x9c\x97 mismatch");
  }
  ImGui::PopFont();
  if (d.verdict == V::mismatch) labelled("The server sent", nullptr, t.bad, d.response_accept);
  if (d.verdict == V::no_response) text_wrapped_if_room(t.text_dim, "No 101 with a Sec-WebSocket-Accept yet.");
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

}  // namespace viz::upgrade
