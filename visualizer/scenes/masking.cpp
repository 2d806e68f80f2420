// Scene 4, Masking (issue 4 §3.4): the selected client frame's payload
// unmasked one byte at a time, clear[i] = masked[i] XOR key[i mod 4], with
// each key byte in its own colour; step and play (driven only by dt);
// masked and clear text side by side; and why masking exists: not
// encryption, but protection of intermediaries from cache poisoning
// (RFC 6455 10.3). With nothing selected it shows the latest client text frame.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "scenes/scene.h"
#include "teach/masking.h"
#include "ui/widgets.h"
#include "wire/close_code.h"

namespace viz {
namespace {

bool client_text_frame(const Entry& e) {
  const wire::Frame* f = e.frame();
  return f && f->dir == wire::Direction::c2s && f->masked && e.header && e.message_opcode == wire::Opcode::text &&
         !f->payload.empty();
}

// One colour per key byte, so "key byte i mod 4" can be followed by eye.
ImVec4 key_color(const Theme& t, std::size_t k) {
  switch (k % 4) {
    case 0: return t.lane_a;
    case 1: return t.http;
    case 2: return t.text_frame;
    default: return t.close;
  }
}

constexpr std::size_t kMaxBytes = 4096;   // bytes the animation walks through at most
constexpr const char* kNotEncryption = "The key travels in the same frame, in the clear: anyone on the path can XOR it "
                                       "back, exactly as this scene does. Use TLS (wss://) for secrecy.";

// The height heading() takes: its line, the rule and the gap under it.
float why_heading_h(const SceneContext& ctx) {
  return ctx.fonts.px(FontSizes::heading) * 1.2f + ctx.fonts.px(14.0f) + 2.0f * ImGui::GetStyle().ItemSpacing.y;
}

char printable(std::uint8_t b) { return b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.'; }

class MaskingScene final : public Scene {
 public:
  const char* id() const override { return "masking"; }
  const char* title() const override { return "Masking"; }
  void draw(SceneContext& ctx) override;
  std::string shown() const override {
    return last_seq_ ? "\"seq\":" + std::to_string(*last_seq_) : std::string("\"seq\":null");
  }

 private:
  const Entry* pick(SceneContext& ctx, bool& is_default, std::string& why);
  void draw_key(SceneContext& ctx, const wire::MaskingKey& key);
  void draw_grid(SceneContext& ctx, const std::vector<teach::MaskStep>& steps, std::uint64_t payload_len);
  void draw_controls(SceneContext& ctx);
  void draw_side_by_side(SceneContext& ctx, const Entry& e, const std::vector<teach::MaskStep>& steps);
  void draw_why(SceneContext& ctx);

  // A short window (a large display scale; fewer than kCompactLines lines of body text): one line
  // of title, the key beside its label, a 3-row grid whose last row is the clear character, and
  // the step buttons; the two text panels get what is left, or step aside.
  static constexpr float kCompactLines = 14.0f;
  bool compact_ = false;
  teach::MaskingPlayer player_;
  std::optional<std::uint64_t> shown_seq_;
  std::optional<std::uint64_t> last_seq_;   // the frame the last draw showed (shown())
  std::uint64_t cached_version_ = ~std::uint64_t{0};
  std::optional<std::uint64_t> cached_default_;
};

const Entry* MaskingScene::pick(SceneContext& ctx, bool& is_default, std::string& why) {
  is_default = false;
  if (const Entry* e = ctx.selected(); e && e->frame() && e->header) {
    const wire::Frame& f = *e->frame();
    if (f.dir == wire::Direction::c2s) return e;   // masked or (a violation) not
    why = "The selected frame went relay \xe2\x86\x92 client: server frames are never masked (RFC 6455 5.1).";
  }
  is_default = true;
  if (cached_version_ != ctx.model.version()) {
    cached_version_ = ctx.model.version();
    const auto i = ctx.model.last_index_where(&client_text_frame);
    cached_default_ = i ? std::optional<std::uint64_t>(ctx.model.at(*i).seq()) : std::nullopt;
  }
  return cached_default_ ? ctx.model.by_seq(*cached_default_) : nullptr;
}

void MaskingScene::draw(SceneContext& ctx) {
  const Theme& t = ctx.theme;
  bool is_default = false;
  std::string why;
  const Entry* e = pick(ctx, is_default, why);
  last_seq_ = e ? std::optional<std::uint64_t>(e->seq()) : std::nullopt;
  if (e == nullptr) {
    heading(ctx, "Masking (RFC 6455 5.3)");
    empty_note(ctx, "No client frames yet. Every frame a client sends is masked; "
                    "send a chat message and it will be unmasked here, byte by byte.");
    draw_why(ctx);
    return;
  }
  const wire::Frame& f = *e->frame();
  if (!shown_seq_ || *shown_seq_ != e->seq()) {
    shown_seq_ = e->seq();
    player_.reset(std::min<std::size_t>(f.payload.size(), kMaxBytes));
  }
  player_.advance(ctx.dt);
  compact_ = f.masked && lines_left() < kCompactLines;

  ImGui::PushTextWrapPos(0.0f);   // a large display scale wraps the title rather than cutting it
  if (compact_) {
    // One line: which frame, and (instead of the note) that it is the latest one.
    ImGui::PushFont(ctx.fonts.bold);
    char line[96];
    std::snprintf(line, sizeof line, "%s #%llu: %llu payload bytes, client \xe2\x86\x92 relay",
                  is_default ? "Latest frame" : "Frame", static_cast<unsigned long long>(e->seq()),
                  static_cast<unsigned long long>(f.payload_len));
    ImGui::TextUnformatted(fit_text(line, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopFont();
  } else {
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::Text("Frame #%llu   conn #%llu   client \xe2\x86\x92 relay   %llu payload bytes",
                static_cast<unsigned long long>(e->seq()), static_cast<unsigned long long>(f.conn),
                static_cast<unsigned long long>(f.payload_len));
    ImGui::PopFont();
  }
  ImGui::PopTextWrapPos();
  if (!why.empty()) text_wrapped_colored(t.text_dim, why.c_str());
  if (is_default && !compact_) default_note(ctx, "the latest text frame a client sent");

  if (!f.masked) {
    // 5.1: the relay enforces what libwebsockets 4.1 lets through.
    const ConnView* cv = ctx.model.conn(f.conn);
    std::string action = "A server MUST close the connection: status 1002 (protocol error).";
    if (cv && cv->close_code) action = "The relay closed the connection: " + wire::close_code_name(*cv->close_code);
    violation_banner(ctx, "RFC 6455 5.1 broken: this client frame is NOT masked (MASK = 0, no masking key)",
                     action.c_str());
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(8.0f)));
    heading(ctx, "What crossed the wire: the payload exactly as the script wrote it");
    std::string text, hex;
    for (std::size_t i = 0; i < f.payload.size() && i < 64; ++i) {
      text.push_back(printable(f.payload[i]));
      char b[4];
      std::snprintf(b, sizeof b, "%02x ", static_cast<unsigned>(f.payload[i]));
      hex += b;
    }
    ImGui::PushFont(ctx.fonts.mono_big);
    ImGui::TextColored(t.bad, "%s", text.c_str());
    ImGui::PopFont();
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::TextWrapped("%s", hex.c_str());
    ImGui::PopFont();
    text_wrapped_colored(t.text_dim, "No key, no XOR: every proxy on the path reads the bytes the sender chose. "
                                     "That is what masking prevents (below).");
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(12.0f)));
    draw_why(ctx);
    return;
  }
  const wire::MaskingKey& key = e->header->masking_key;
  const std::vector<teach::MaskStep> steps = teach::mask_steps(f.payload, key, kMaxBytes);

  draw_key(ctx, key);
  if (!compact_) ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  draw_grid(ctx, steps, f.payload_len);
  draw_controls(ctx);
  // The two panels below need a few lines to say anything: a short window (a large display scale)
  // leaves them out rather than squeezing the grid and the controls off the screen.
  // The two panels when each keeps its heading and its first lines; else "why" alone, full width
  // (masking is not encryption: the lesson that matters more); else neither.
  const float w = ImGui::GetContentRegionAvail().x;
  const float head_h = why_heading_h(ctx);
  const float gap = ctx.fonts.px(6.0f) + ImGui::GetStyle().ItemSpacing.y;
  const auto first_h = [&](float width) { return ImGui::CalcTextSize(kNotEncryption, nullptr, false, width).y; };
  if (room_for(gap + head_h + first_h(w * 0.5f))) {
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
    ImGui::BeginChild("texts", ImVec2(w * 0.48f, 0), false, ImGuiWindowFlags_NoScrollbar);
    draw_side_by_side(ctx, *e, steps);
    ImGui::EndChild();
    ImGui::SameLine(0, ctx.fonts.px(24.0f));
    ImGui::BeginChild("why", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
    draw_why(ctx);
    ImGui::EndChild();
  } else if (room_for(gap + head_h + first_h(w))) {
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
    ImGui::BeginChild("why", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
    draw_why(ctx);
    ImGui::EndChild();
  }
}

// The 4 key bytes, big, each in its colour.
void MaskingScene::draw_key(SceneContext& ctx, const wire::MaskingKey& key) {
  const Theme& t = ctx.theme;
  ImGui::PushFont(compact_ ? ctx.fonts.bold : ctx.fonts.heading);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(compact_ ? "Masking key:" : "Masking key (from the frame header):");
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  help_marker(ctx, "RFC 6455 5.3: 4 bytes the client picks at random for every frame, sent in the clear "
                   "right after the length. Byte i of the payload is XORed with key byte i mod 4.");
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImGui::PushFont(compact_ ? ctx.fonts.mono : ctx.fonts.mono_big);
  const ImVec2 ts = ImGui::CalcTextSize("00");
  const float pad = ctx.fonts.px(compact_ ? 6.0f : 10.0f);
  same_line_if_fits(4 * (ts.x + 2 * pad + ctx.fonts.px(8.0f)), ctx.fonts.px(20.0f));   // the four chips stay together
  for (std::size_t k = 0; k < 4; ++k) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const ImVec2 size(ts.x + 2 * pad, ts.y + pad);
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), Theme::u32(key_color(t, k)), ctx.fonts.px(6.0f));
    char hx[4];
    std::snprintf(hx, sizeof hx, "%02x", static_cast<unsigned>(key[k]));
    dl->AddText(ImVec2(p.x + pad, p.y + pad * 0.5f), Theme::u32(t.on_kind), hx);
    ImGui::Dummy(size);
    if (k < 3) ImGui::SameLine(0, ctx.fonts.px(8.0f));
  }
  ImGui::PopFont();
  // The formula beside the key, or on its own line; a compact layout leaves it out when it does not
  // fit beside the key (the grid's row labels say it too: masked, XOR key, = clear).
  const char* formula = "clear[i] = masked[i] XOR key[i mod 4]";
  ImGui::PushFont(compact_ ? ctx.fonts.bold : ctx.fonts.heading);
  const bool beside = same_line_if_fits(ImGui::CalcTextSize(formula).x, ctx.fonts.px(40.0f));
  // (compact: on its own line only when the 3-row grid and the controls keep their room below it)
  const float grid_h = 3.0f * (ctx.fonts.px(FontSizes::mono) * 1.2f + ctx.fonts.px(3.0f)) + ctx.fonts.px(4.0f);
  const float below_h = ImGui::GetTextLineHeightWithSpacing() + grid_h + ImGui::GetStyle().ItemSpacing.y +
                        ImGui::GetFrameHeightWithSpacing() + ctx.fonts.px(6.0f);
  if (beside || !compact_ || room_for(below_h)) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(formula);
    ImGui::PopTextWrapPos();
  }
  ImGui::PopFont();
}

// Rows of columns: masked byte, key byte (coloured), XOR result, character.
// Two rows of 16 bytes are in view: the row being unmasked and the one before.
void MaskingScene::draw_grid(SceneContext& ctx, const std::vector<teach::MaskStep>& steps, std::uint64_t payload_len) {
  const Theme& t = ctx.theme;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  // The big mono font when a block of four lines of it takes at most a third of what is left;
  // else (a short window at a large display scale) the body-size mono font.
  const bool big = !compact_ && (ctx.fonts.px(FontSizes::mono_big) + ctx.fonts.px(8.0f)) * 4.0f * 3.0f < ImGui::GetContentRegionAvail().y;
  ImGui::PushFont(big ? ctx.fonts.mono_big : ctx.fonts.mono);
  const ImVec2 cs = ImGui::CalcTextSize("00");
  ImGui::PushFont(ctx.fonts.body);
  const float label_w = ImGui::CalcTextSize("XOR key   ").x;
  ImGui::PopFont();
  const float avail = ImGui::GetContentRegionAvail().x - label_w;
  // 16 bytes a row as in a hex dump; 12, 8 or 4 when the bytes would not fit (a large display scale),
  // and one row in view instead of two when the window is short.
  std::size_t per_row = 16;
  // (12 too: any multiple of 4 keeps each column on one key byte.)
  while (per_row > 4 && avail / static_cast<float>(per_row) < cs.x * 1.45f) per_row -= 4;
  const float cw = std::min(avail / static_cast<float>(per_row), cs.x * 2.2f);
  // Compact: three rows, the last one the clear character itself (its hex is the lesser detail).
  const int lines = compact_ ? 3 : 4;
  const float rh = cs.y + ctx.fonts.px(compact_ ? 3.0f : 8.0f);
  const float block_h = static_cast<float>(lines) * rh + ctx.fonts.px(compact_ ? 4.0f : 16.0f);
  const std::size_t rows_in_view = ImGui::GetContentRegionAvail().y > 4.0f * block_h ? 2 : 1;
  const char* labels[4] = {"masked", "XOR key", "= clear", "char"};
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const std::size_t done = player_.done();
  const float pulse = player_.fraction();
  const std::size_t current_row = std::min(done, steps.empty() ? 0 : steps.size() - 1) / per_row;
  const std::size_t first_row = current_row > 0 ? current_row - 1 : 0;
  const std::size_t total_rows = (steps.size() + per_row - 1) / per_row;
  const std::size_t rows = std::min(rows_in_view, total_rows - std::min(first_row, total_rows));
  const float text_dy = (rh - cs.y) * 0.5f;
  for (std::size_t r = 0; r < rows; ++r) {
    const float y0 = origin.y + static_cast<float>(r) * block_h;
    for (int l = 0; l < lines; ++l) {
      dl->AddText(ctx.fonts.body, ctx.fonts.px(FontSizes::body),
                  ImVec2(origin.x, y0 + static_cast<float>(l) * rh + (rh - ctx.fonts.px(FontSizes::body) * 1.16f) * 0.5f),
                  Theme::u32(t.text_dim), labels[l]);
    }
    for (std::size_t c = 0; c < per_row; ++c) {
      const std::size_t i = (first_row + r) * per_row + c;
      if (i >= steps.size()) break;
      const teach::MaskStep& s = steps[i];
      const float x = origin.x + label_w + static_cast<float>(c) * cw;
      const bool is_done = i < done;
      const float tx = x + (cw - ctx.fonts.px(6.0f) - cs.x) * 0.5f;
      if (i == done) {   // the byte being unmasked now: an outline that pulses with the animation
        dl->AddRect(ImVec2(x - 3, y0 - 3), ImVec2(x + cw - 3, y0 + static_cast<float>(lines) * rh + 3), Theme::u32(t.accent), ctx.fonts.px(4.0f),
                    0, ctx.fonts.px(player_.playing() ? 2.0f + 3.0f * pulse : 4.0f));
      }
      char b[4];
      std::snprintf(b, sizeof b, "%02x", static_cast<unsigned>(s.masked));
      dl->AddText(ImVec2(tx, y0 + text_dy), Theme::u32(t.text), b);
      const ImVec2 k0(x, y0 + rh), k1(x + cw - ctx.fonts.px(6.0f), y0 + 2 * rh - ctx.fonts.px(2.0f));
      dl->AddRectFilled(k0, k1, Theme::u32(key_color(t, s.key_index)), ctx.fonts.px(3.0f));
      std::snprintf(b, sizeof b, "%02x", static_cast<unsigned>(s.key_byte));
      dl->AddText(ImVec2(tx, y0 + rh + text_dy - ctx.fonts.px(1.0f)), Theme::u32(t.on_kind), b);
      if (is_done) {
        const char ch[2] = {printable(s.clear), 0};
        const ImVec2 chs = ImGui::CalcTextSize(ch);
        const float ch_x = x + (cw - ctx.fonts.px(6.0f) - chs.x) * 0.5f;
        if (compact_) {
          dl->AddText(ImVec2(ch_x, y0 + 2 * rh + text_dy), Theme::u32(t.ok), ch);
        } else {
          std::snprintf(b, sizeof b, "%02x", static_cast<unsigned>(s.clear));
          dl->AddText(ImVec2(tx, y0 + 2 * rh + text_dy), Theme::u32(t.ok), b);
          dl->AddText(ImVec2(ch_x, y0 + 3 * rh + text_dy), Theme::u32(t.text), ch);
        }
      } else {
        dl->AddText(ImVec2(tx, y0 + 2 * rh + text_dy), Theme::u32(t.text_dim), "\xc2\xb7\xc2\xb7");
      }
    }
  }
  ImGui::Dummy(ImVec2(label_w + static_cast<float>(per_row) * cw, static_cast<float>(rows_in_view) * block_h));
  ImGui::PopFont();
  if (compact_) return;   // the controls' count says how far the unmasking is
  ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
  ImGui::Text("Bytes %zu\xe2\x80\x93%zu of %llu in view.", first_row * per_row,
              std::min(steps.size(), (first_row + rows) * per_row) - (steps.empty() ? 0 : 1),
              static_cast<unsigned long long>(payload_len));
  ImGui::PopStyleColor();
}

void MaskingScene::draw_controls(SceneContext& ctx) {
  // Compact: the style's (small) padding, the step buttons as arrows, and what does not fit on
  // this one line left out instead of wrapped.
  const ImVec2 pad = compact_ ? ImGui::GetStyle().FramePadding : ImVec2(ctx.fonts.px(14.0f), ctx.fonts.px(8.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, pad);
  // Each control on this line when it fits, else on the next: never past the panel's edge.
  const auto button_w = [&](const char* label) { return ImGui::CalcTextSize(label).x + pad.x * 2; };
  const char* play = player_.playing() ? "Pause" : "Play";
  if (ImGui::Button(play)) player_.toggle();
  const char* back = compact_ ? "\xe2\x97\x80" : "\xe2\x97\x80 Step back";
  const char* fwd = compact_ ? "\xe2\x96\xb6" : "Step \xe2\x96\xb6";
  same_line_if_fits(button_w(back));
  if (ImGui::Button(back)) player_.step_back();
  same_line_if_fits(button_w(fwd));
  if (ImGui::Button(fwd)) player_.step_forward();
  if (compact_) {
    char count[48];
    std::snprintf(count, sizeof count, "%zu / %zu", player_.done(), player_.total());
    if (same_line_if_fits(ImGui::CalcTextSize(count).x, ctx.fonts.px(20.0f))) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(count);
    }
    ImGui::PopStyleVar();
    return;
  }
  same_line_if_fits(button_w("Show all"));
  if (ImGui::Button("Show all")) player_.show_all();
  same_line_if_fits(button_w("Restart"));
  if (ImGui::Button("Restart")) player_.reset(player_.total());
  float speed = player_.speed();
  const float label_w = ImGui::CalcTextSize("bytes / s").x + ImGui::GetStyle().ItemInnerSpacing.x;
  same_line_if_fits(ctx.fonts.px(160.0f) + label_w, ctx.fonts.px(30.0f));
  ImGui::SetNextItemWidth(std::max(ctx.fonts.px(60.0f), std::min(ctx.fonts.px(260.0f), ImGui::GetContentRegionAvail().x - label_w)));
  if (ImGui::SliderFloat("bytes / s", &speed, 0.5f, 16.0f, "%.1f")) player_.set_speed(speed);
  char unmasked[48];
  std::snprintf(unmasked, sizeof unmasked, "%zu / %zu unmasked", player_.done(), player_.total());
  // The count only beside the controls (the grid shows it too).
  const float count_w = ImGui::CalcTextSize(unmasked).x;
  if (same_line_if_fits(count_w, ctx.fonts.px(30.0f))) ImGui::TextUnformatted(unmasked);
  ImGui::PopStyleVar();
}

// What a snooper sees vs what the relay reads after XOR.
void MaskingScene::draw_side_by_side(SceneContext& ctx, const Entry& e, const std::vector<teach::MaskStep>& steps) {
  const Theme& t = ctx.theme;
  heading(ctx, "On the wire vs after unmasking");
  std::string masked, clear;
  constexpr std::size_t max_chars = 96;
  for (const teach::MaskStep& s : steps) {
    if (s.index >= max_chars) break;
    masked.push_back(printable(s.masked));
    clear.push_back(s.index < player_.done() ? printable(s.clear) : ' ');
  }
  // The bytes not unmasked yet are blanks: trailing ones would make an item wider than the panel.
  while (!clear.empty() && clear.back() == ' ') clear.pop_back();
  // The big mono font when both texts fit the panel's height in it; else the body-size one; the
  // lines that still do not fit stay out (the grid above shows every byte anyway).
  const float label_h = ImGui::GetTextLineHeightWithSpacing();
  ImGui::PushFont(ctx.fonts.mono_big);
  const bool big = room_for(2.0f * label_h + wrapped_height(masked.c_str()) + wrapped_height(clear.c_str()) + ctx.fonts.px(20.0f));
  ImGui::PopFont();
  ImFont* mono = big ? ctx.fonts.mono_big : ctx.fonts.mono;
  const auto labelled = [&](const char* label, const std::string& bytes, const ImVec4& col) {
    ImGui::PushFont(mono);
    const float h = wrapped_height(bytes.c_str());
    ImGui::PopFont();
    if (!room_for(label_h + h)) return false;
    ImGui::PushStyleColor(ImGuiCol_Text, t.text_dim);
    ImGui::TextUnformatted(label);
    ImGui::PopStyleColor();
    ImGui::PushFont(mono);
    ImGui::PushStyleColor(ImGuiCol_Text, col);
    ImGui::TextWrapped("%s", bytes.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
    return true;
  };
  if (!labelled("Masked (as sent):", masked, t.text)) return;
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  if (!labelled("Clear (masked XOR key):", clear, t.ok)) return;
  // RFC 7692 6: with RSV1 the unmasked bytes are still deflate data, not the text.
  if (e.header && e.header->rsv1 && lines_left() >= 4.0f) {
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
    ImGui::PushStyleColor(ImGuiCol_Text, t.accent);
    ImGui::TextWrapped("RSV1 = 1: these clear bytes are permessage-deflate data (RFC 7692). Unmasking comes "
                       "first, then inflating:");
    ImGui::PopStyleColor();
    if (e.inflated && player_.done() == player_.total()) {
      ImGui::PushFont(ctx.fonts.mono_big);
      ImGui::PushStyleColor(ImGuiCol_Text, t.ok);
      std::string text;
      for (std::size_t i = 0; i < e.inflated->size() && i < max_chars; ++i) text.push_back(printable((*e.inflated)[i]));
      ImGui::TextWrapped("%s", text.c_str());
      ImGui::PopStyleColor();
      ImGui::PopFont();
    }
  }
}

void MaskingScene::draw_why(SceneContext& ctx) {
  const Theme& t = ctx.theme;
  // A heading and its first paragraph, or nothing (the caller sized the panel for them).
  if (!room_for(why_heading_h(ctx) + wrapped_height(kNotEncryption))) return;
  heading(ctx, "Masking is not encryption");
  // Paragraphs in order of need, each only when all of it fits the panel's height.
  ImGui::PushTextWrapPos(0.0f);
  const bool first = text_wrapped_if_room(t.text, kNotEncryption);
  const char* why = "A script in a browser chooses what it sends. Unmasked, it could write bytes that look like "
                    "an HTTP request to a proxy or cache between the browser and the server, and poison that "
                    "cache for everyone behind it. The browser, not the script, picks a fresh random key for "
                    "every frame, so the attacker cannot predict a single byte on the wire.";
  ImGui::PushFont(ctx.fonts.bold);
  const float title_h = ImGui::GetTextLineHeightWithSpacing() + ctx.fonts.px(4.0f);
  ImGui::PopFont();
  if (first && room_for(title_h + wrapped_height(why))) {
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(4.0f)));
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted("Why it exists (RFC 6455 10.3)");
    ImGui::PopFont();
    text_wrapped_colored(t.text, why);
    const char* rule = "Client \xe2\x86\x92 server frames MUST be masked; server \xe2\x86\x92 client "
                       "frames MUST NOT be (5.1). A server that gets an unmasked frame closes with 1002.";
    if (room_for(wrapped_height(rule) + ctx.fonts.px(4.0f))) {
      ImGui::Dummy(ImVec2(0, ctx.fonts.px(4.0f)));
      text_wrapped_colored(t.text_dim, rule);
    }
  }
  ImGui::PopTextWrapPos();
}

}  // namespace

WIRELAB_REGISTER_SCENE(4, []() -> std::unique_ptr<Scene> { return std::make_unique<MaskingScene>(); });

}  // namespace viz
