// Scene 6, What TLS hides (issue 14 part 2): for the selected message of a
// wss:// connection, "what the network sees" (the TLS records that carried
// it: type, version, length, bytes that look random) beside "what the relay
// sees" (the frame or HTTP message, decoded). The lesson: TLS hides the
// content, not the sizes and the timing. The records come from the relay's
// `tls_record` events (docs/mirror-protocol.md), linked to the unit by
// plaintext byte ranges (model/tls_link.h). With nothing selected it shows
// the newest text frame of a TLS connection.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "model/describe.h"
#include "model/tls_link.h"
#include "scenes/scene.h"
#include "ui/widgets.h"
#include "wire/frame.h"
#include "wire/tls_record.h"

namespace viz {
namespace {

constexpr std::size_t kRecordsShown = 12;
constexpr std::size_t kMarksMax = 4000;     // the strip's records per connection (one pixel column each at most)   // a 64 KiB message is 5 records; more are counted, not listed

std::string hex_of(const wire::Bytes& b) {
  std::string s;
  char h[4];
  for (std::size_t i = 0; i < b.size(); ++i) {
    std::snprintf(h, sizeof h, i == 0 ? "%02x" : " %02x", b[i]);
    s += h;
  }
  return s;
}

// A half's title with its help marker: the heading font, the bold body font on a short window.
void half_title(const SceneContext& ctx, const char* title, bool compact, const char* help) {
  ImGui::PushFont(compact ? ctx.fonts.bold : ctx.fonts.heading);
  ImGui::TextUnformatted(title);
  ImGui::PopFont();
  help_marker(ctx, help);
}

// A text frame's payload as the relay reads it (unmasked, inflated), cut at
// a UTF-8 boundary; other frames get the Conversation's label.
std::string clear_text(const Entry& e) {
  constexpr std::size_t kMax = 300;
  if (e.kind != UnitKind::text) return arrow_label(e, 200);
  const wire::Bytes& b = e.inflated ? *e.inflated : e.payload_clear;
  std::size_t n = std::min(b.size(), kMax);
  while (n > 0 && n < b.size() && (b[n] & 0xC0) == 0x80) --n;   // not inside a UTF-8 sequence
  std::string s(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
  return n < b.size() ? s + "\xe2\x80\xa6" : s;
}

std::string ms(std::int64_t us) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f s", static_cast<double>(us) / 1e6);
  return b;
}

class TlsScene final : public Scene {
 public:
  const char* id() const override { return "tls"; }
  const char* title() const override { return "What TLS hides"; }
  void draw(SceneContext& ctx) override;
  std::string shown() const override {
    std::string s = "\"seq\":" + (shown_seq_ ? std::to_string(*shown_seq_) : std::string("null")) + ",\"records\":[";
    for (std::size_t i = 0; i < shown_records_.size(); ++i) s += (i ? "," : "") + std::to_string(shown_records_[i]);
    return s + "]";
  }

 private:
  const Entry* pick(const SceneContext& ctx, bool& is_default);
  void draw_network(SceneContext& ctx, const Entry& unit, const std::vector<std::size_t>& records);
  void draw_relay(SceneContext& ctx, const Entry& unit);
  bool draw_record(SceneContext& ctx, const wire::TlsRecord& r, std::int64_t t_us);
  void draw_empty(SceneContext& ctx);
  void draw_timeline(SceneContext& ctx, std::uint64_t conn);   // fills the rest of the window

  std::uint64_t cached_version_ = UINT64_MAX;
  std::optional<std::uint64_t> cached_default_;
  std::optional<std::uint64_t> shown_seq_;
  std::vector<std::uint64_t> shown_records_;
  std::uint64_t records_version_ = UINT64_MAX, records_unit_ = 0;
  bool compact_ = false;               // a short window: smaller titles, fewer words
  std::vector<std::size_t> records_;   // model indices of the shown unit's records
  struct Mark { std::int64_t t_us; std::uint64_t bytes; wire::Direction dir; std::uint64_t seq; };
  std::vector<Mark> marks_;            // the connection's records, for the strip (cached with records_)
};

const Entry* TlsScene::pick(const SceneContext& ctx, bool& is_default) {
  is_default = false;
  if (const Entry* e = ctx.selected(); e && plain_span(*e)) return e;
  if (const Entry* e = ctx.selected(); e && e->tls_record()) {   // a record (stepping a replay): its unit
    if (auto i = ctx.model.find_seq(e->seq())) {
      if (auto unit = unit_carried_by(ctx.model, *i)) return &ctx.model.at(*unit);
    }
  }
  is_default = true;
  if (cached_version_ != ctx.model.version()) {   // scan once per model change, not per frame
    cached_version_ = ctx.model.version();
    auto i = default_tls_unit(ctx.model);
    cached_default_ = i ? std::optional<std::uint64_t>(ctx.model.at(*i).seq()) : std::nullopt;
  }
  return cached_default_ ? ctx.model.by_seq(*cached_default_) : nullptr;
}

void TlsScene::draw_empty(SceneContext& ctx) {
  const float height = ImGui::GetContentRegionAvail().y;
  const bool roomy = height >= ctx.fonts.px(620.0f), tiny = height < ctx.fonts.px(200.0f);
  heading(ctx, "What TLS hides");
  ImGui::PushFont(roomy ? ctx.fonts.heading : ctx.fonts.body);
  text_wrapped_colored(ctx.theme.text_dim,
                       roomy  ? "No wss:// connection yet. Make a certificate with scripts/dev-cert, start the relay "
                                "with --tls-cert and --tls-key, and open https:// in a browser: each message will "
                                "show here as the network sees it (TLS records) beside what the relay sees (the frame)."
                       : tiny ? "No wss:// connection yet (scripts/dev-cert)."
                              : "No wss:// connection yet: scripts/dev-cert, then the relay with --tls-cert and "
                                "--tls-key, and https:// in a browser.");
  ImGui::PopFont();
}

void TlsScene::draw(SceneContext& ctx) {
  shown_records_.clear();
  bool is_default = false;
  const Entry* e = pick(ctx, is_default);
  shown_seq_ = e ? std::optional<std::uint64_t>(e->seq()) : std::nullopt;
  if (e == nullptr) {
    draw_empty(ctx);
    return;
  }
  // The records walk up to 8,192 entries: only when the model or the unit changed.
  if (records_version_ != ctx.model.version() || records_unit_ != e->seq()) {
    records_version_ = ctx.model.version();
    records_unit_ = e->seq();
    const auto index = ctx.model.find_seq(e->seq());
    records_ = index ? records_carrying(ctx.model, *index) : std::vector<std::size_t>{};
    marks_.clear();
    for (std::size_t i = 0; i < ctx.model.size() && marks_.size() < kMarksMax; ++i) {
      const auto* r = ctx.model.at(i).tls_record();
      if (r && r->conn == e->conn) {
        marks_.push_back({ctx.model.at(i).event.t_us, wire::TlsRecordReader::kHeaderLen * r->count + r->length, r->dir,
                          ctx.model.at(i).seq()});
      }
    }
  }
  const std::vector<std::size_t>& records = records_;
  for (std::size_t i : records) shown_records_.push_back(ctx.model.at(i).seq());

  // A short window (a large display scale) keeps its height for the two halves.
  const bool compact = ImGui::GetContentRegionAvail().y < ctx.fonts.px(620.0f);
  compact_ = compact;
  // A short window (scale 2-3): the active tab already says "What TLS hides", the halves need the room.
  if (!compact) heading(ctx, "What TLS hides: the network sees sizes and timing, not content");
  kind_chip(ctx, e->kind);
  ImGui::PushFont(ctx.fonts.bold);
  ImGui::PushTextWrapPos(0.0f);
  const char* way = e->dir == wire::Direction::c2s ? "client \xe2\x86\x92 relay" : "relay \xe2\x86\x92 client";
  if (compact) {
    ImGui::Text("#%llu  %s", static_cast<unsigned long long>(e->seq()), way);
  } else {
    ImGui::Text("#%llu   conn #%llu   %s   at %s", static_cast<unsigned long long>(e->seq()),
                static_cast<unsigned long long>(e->conn), way, ms(e->event.t_us).c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  if (is_default && !compact) default_note(ctx, "the latest text frame of a wss:// connection");

  // The strip of every record of the connection, when the window has the height for it.
  const float strip_h = compact || ImGui::GetContentRegionAvail().y < ctx.fonts.px(760.0f) ? 0.0f : ctx.fonts.px(210.0f);
  // Side by side when both halves get a readable width, else one above the other.
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.y -= strip_h;
  const float gap = ctx.fonts.px(16.0f);
  const bool side_by_side = avail.x >= ctx.fonts.px(compact ? 600.0f : 800.0f);
  const ImVec2 half = side_by_side ? ImVec2((avail.x - gap) * 0.5f, avail.y)
                                   : ImVec2(avail.x, std::floor((avail.y - gap) * 0.5f));
  // Bordered, not filled: on llvmpipe a filled half-screen costs ~6 ms (visualizer/README.md).
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImVec4(0, 0, 0, 0));
  ImGui::BeginChild("network", half, true, ImGuiWindowFlags_NoScrollbar);
  draw_network(ctx, *e, records);
  ImGui::EndChild();
  if (side_by_side) ImGui::SameLine(0, gap);
  else ImGui::Dummy(ImVec2(0, gap - ImGui::GetStyle().ItemSpacing.y * 2));
  ImGui::BeginChild("relay", ImVec2(half.x, side_by_side || strip_h > 0 ? half.y : 0.0f), true,
                    ImGuiWindowFlags_NoScrollbar);
  draw_relay(ctx, *e);
  ImGui::EndChild();
  ImGui::PopStyleColor();
  if (strip_h > 0) draw_timeline(ctx, e->conn);
}

// Sizes and timing, the two things TLS leaves visible: every record of the
// connection on one time axis, client -> relay above the line, relay ->
// client below, bar height by size; the shown message's records lit.
void TlsScene::draw_timeline(SceneContext& ctx, std::uint64_t conn) {
  const Theme& t = ctx.theme;
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(t.text_dim, "conn #%llu as the network sees it: every TLS record, time \xe2\x86\x92; "
                     "up: client \xe2\x86\x92 relay, down: relay \xe2\x86\x92 client; height: size",
                     static_cast<unsigned long long>(conn));
  ImGui::PopTextWrapPos();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = std::max(ctx.fonts.px(40.0f), ImGui::GetContentRegionAvail().y - ctx.fonts.px(4.0f));
  ImGui::Dummy(ImVec2(w, h));
  if (marks_.empty()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float mid = p.y + h * 0.5f;
  dl->AddLine(ImVec2(p.x, mid), ImVec2(p.x + w, mid), Theme::u32(t.border), ctx.fonts.px(2.0f));
  const std::int64_t t0 = marks_.front().t_us, t1 = std::max(marks_.back().t_us, t0 + 1);
  std::uint64_t biggest = 1;
  for (const Mark& m : marks_) biggest = std::max(biggest, m.bytes);
  const float bar_w = ctx.fonts.px(5.0f);   // visible from the back of a room
  for (const Mark& m : marks_) {
    const bool lit = std::find(shown_records_.begin(), shown_records_.end(), m.seq) != shown_records_.end();
    const float bw = lit ? bar_w * 3 : bar_w;
    const float x = p.x + (w - bw) * static_cast<float>(m.t_us - t0) / static_cast<float>(t1 - t0);
    // A square root keeps a 100-byte record visible beside a 16 KiB one.
    const float len = (h * 0.5f - ctx.fonts.px(2.0f)) *
                      std::sqrt(static_cast<float>(m.bytes) / static_cast<float>(biggest));
    const float y0 = m.dir == wire::Direction::c2s ? mid - std::max(len, 2.0f) : mid;
    const float y1 = m.dir == wire::Direction::c2s ? mid : mid + std::max(len, 2.0f);
    dl->AddRectFilled(ImVec2(x, y0), ImVec2(x + bw, y1),
                      Theme::u32(lit ? t.accent : (m.dir == wire::Direction::c2s ? t.lane_a : t.lane_b), lit ? 1.0f : 0.8f));
  }
}

// Left: the records as a wire observer records them, nothing more.
void TlsScene::draw_network(SceneContext& ctx, const Entry& unit, const std::vector<std::size_t>& records) {
  const Theme& t = ctx.theme;
  half_title(ctx, "What the network sees", compact_, "RFC 8446 5.1-5.2: every TLS record starts with 5 bytes in the clear: content type, "
                   "legacy_record_version (TLS 1.3 says 03 03, \"TLS 1.2\", for old middleboxes) and length. "
                   "The body is AEAD ciphertext: without the session keys it looks random. Only the first 16 "
                   "bytes are shown; the relay never publishes keys.");
  const ConnView* cv = ctx.model.conn(unit.conn);
  if (records.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    if (cv && cv->transport == wire::Transport::tcp) {
      ImGui::TextColored(t.warn, "This connection is ws:// (plain TCP): the network sees the frame itself, "
                                 "every byte as the relay does.");
    } else {
      ImGui::TextColored(t.text_dim, "No TLS record names these bytes (a capture without tls_record events, "
                                     "or a record the relay summarised).");
    }
    ImGui::PopTextWrapPos();
    return;
  }
  std::uint64_t wire_bytes = 0, plain = 0;
  for (std::size_t i : records) {
    const auto& r = *ctx.model.at(i).tls_record();
    wire_bytes += wire::TlsRecordReader::kHeaderLen * r.count + r.length;
    plain += r.plain_len;
  }
  // Each half draws only what fits the height it got, most telling first (a projector's scale 3
  // on 1280x720 leaves a few lines): a record's clear header and ciphertext, then its names,
  // then what TLS added.
  char line[256];
  std::snprintf(line, sizeof line, "%zu record%s, %llu bytes on the wire", records.size(),
                records.size() == 1 ? "" : "s", static_cast<unsigned long long>(wire_bytes));
  if (!compact_) {   // a short half keeps its lines for the record itself, which gives its length too
    text_wrapped_if_room(t.text, line);
    ImGui::Separator();
  }
  const std::size_t shown = std::min(records.size(), kRecordsShown);
  std::size_t drawn = 0;
  for (std::size_t k = 0; k < shown; ++k) {
    if (!draw_record(ctx, *ctx.model.at(records[k]).tls_record(), ctx.model.at(records[k]).event.t_us)) break;
    ++drawn;
  }
  if (records.size() > drawn) {
    std::snprintf(line, sizeof line, "+ %zu more record%s", records.size() - drawn, records.size() - drawn == 1 ? "" : "s");
    text_wrapped_if_room(t.text_dim, line);
  }
  const auto span = plain_span(unit);
  const std::uint64_t unit_len = span ? span->end - span->begin : 0;
  char note[400];
  if (unit_len > 0 && plain == unit_len) {
    // TLS 1.3 AES-GCM: 5 + 16 + 1 per record; TLS 1.2 AES-GCM: 5 + 8 + 16 (RFC 8446 5.2, RFC 5288).
    std::snprintf(note, sizeof note, "The %llu bytes of this %s became %llu on the wire: +%llu for TLS (each "
                  "record's 5-byte header, the cipher's tag and nonce or type byte). The size shows through.",
                  static_cast<unsigned long long>(unit_len), unit.frame() ? "frame" : "message",
                  static_cast<unsigned long long>(wire_bytes), static_cast<unsigned long long>(wire_bytes - unit_len));
  } else {
    std::snprintf(note, sizeof note, "These records carried %llu plaintext bytes, this message among them: sizes "
                  "and timing show through, the words do not.", static_cast<unsigned long long>(plain));
  }
  if (room_for(wrapped_height(note) + ImGui::GetStyle().ItemSpacing.y * 2.0f)) {
    ImGui::Separator();
    text_wrapped_colored(t.text, note);
  }
}

// One record: its clear 5-byte header and the first ciphertext bytes (the lesson, drawn first when
// only they fit), then its type and version above them when there is room. False when not drawn.
bool TlsScene::draw_record(SceneContext& ctx, const wire::TlsRecord& r, std::int64_t t_us) {
  const Theme& t = ctx.theme;
  // The 5 header bytes are in the clear (RFC 8446 5.1); the body is ciphertext.
  const wire::Bytes header = {r.content_type, static_cast<std::uint8_t>(r.version >> 8),
                              static_cast<std::uint8_t>(r.version), static_cast<std::uint8_t>(r.length >> 8),
                              static_cast<std::uint8_t>(r.length)};
  const std::string body = hex_of(r.body_head) + (r.length > r.body_head.size() ? " \xe2\x80\xa6" : "");
  ImGui::PushFont(ctx.fonts.mono_big);
  const bool big = r.count == 1 && ImGui::CalcTextSize(body.c_str()).x <= ImGui::GetContentRegionAvail().x;
  ImGui::PopFont();
  ImGui::PushFont(big ? ctx.fonts.mono_big : ctx.fonts.mono);
  const float bytes_h = (r.count == 1 ? wrapped_height(hex_of(header).c_str()) : 0.0f) + wrapped_height(body.c_str()) +
                        ImGui::GetStyle().ItemSpacing.y * 2.0f;
  const float one_line_h = ImGui::GetTextLineHeightWithSpacing();
  ImGui::PopFont();
  if (!room_for(bytes_h)) {
    // A very short half: the clear header and as much ciphertext as one line holds.
    ImGui::PushFont(ctx.fonts.mono);
    const bool drawn = room_for(one_line_h);
    if (drawn) {
      const std::string both = hex_of(header) + " | " + hex_of(r.body_head);
      ImGui::TextColored(t.accent, "%s", fit_text(both, ImGui::GetContentRegionAvail().x).c_str());
    }
    ImGui::PopFont();
    return drawn;
  }
  char name[96], when[160];
  std::snprintf(name, sizeof name, "%s%s, %llu bytes", wire::tls_content_type_name(r.content_type),
                r.count > 1 ? " (a summary of several)" : "", static_cast<unsigned long long>(r.length));
  // TLS 1.3 records carry 03 03, "TLS 1.2", in their header (RFC 8446 5.1): say which it really is.
  const std::string version = r.inner_type && r.version == 0x0303 ? std::string("TLS 1.3 (header says 1.2)")
                                                                   : wire::tls_version_name(r.version);
  std::snprintf(when, sizeof when, "%s   at %s%s", version.c_str(), ms(t_us).c_str(),
                compact_ ? "" : "   header in the clear, then ciphertext");
  ImGui::PushFont(ctx.fonts.bold);
  const float name_h = wrapped_height(name);
  ImGui::PopFont();
  const float names_h = name_h + wrapped_height(when) + ImGui::GetStyle().ItemSpacing.y * 2.0f;
  if (room_for(bytes_h + names_h)) {
    ImGui::PushFont(ctx.fonts.bold);
    text_wrapped_colored(t.text, name);
    ImGui::PopFont();
    text_wrapped_colored(t.text_dim, when);
  }
  ImGui::PushFont(big ? ctx.fonts.mono_big : ctx.fonts.mono);
  ImGui::PushTextWrapPos(0.0f);
  if (r.count == 1) ImGui::TextColored(t.text, "%s", hex_of(header).c_str());
  ImGui::TextColored(t.accent, "%s", body.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  return true;
}

// Right: the same bytes after decryption, as the tap and Frame anatomy see them.
void TlsScene::draw_relay(SceneContext& ctx, const Entry& unit) {
  const Theme& t = ctx.theme;
  half_title(ctx, "What the relay sees", compact_, "The relay holds the TLS keys, so it reads the plaintext: the HTTP upgrade and every "
                   "WebSocket frame (RFC 6455 5.2), exactly as Frame anatomy shows them. Anyone with the "
                   "keys sees this; anyone on the network sees the left side only.");
  // The words come first when the half is short: they are what the left side does not show.
  if (const auto* f = unit.frame()) {
    const std::string text = clear_text(unit);
    char fields[200], sizes[96];
    std::snprintf(fields, sizeof fields, "FIN=%d  opcode=%d (%s)  MASK=%d  payload_len=%llu",
                  unit.header && unit.header->fin ? 1 : 0, unit.header ? static_cast<int>(unit.header->opcode) : 0,
                  unit.header ? wire::opcode_name(unit.header->opcode) : "?", unit.header && unit.header->masked ? 1 : 0,
                  static_cast<unsigned long long>(f->payload_len));
    std::snprintf(sizes, sizeof sizes, "%zu header bytes + %llu payload bytes", f->header.size(),
                  static_cast<unsigned long long>(f->payload_len));
    ImGui::PushFont(ctx.fonts.mono);
    const float fields_h = unit.header ? wrapped_height(fields) : 0.0f;
    ImGui::PopFont();
    const float spacing = ImGui::GetStyle().ItemSpacing.y;
    const float words_min = wrapped_height(text.c_str());
    if (room_for(fields_h + wrapped_height(sizes) + 3.0f * spacing + words_min)) {
      if (unit.header) {
        ImGui::PushFont(ctx.fonts.mono);
        text_wrapped_colored(t.text, fields);
        ImGui::PopFont();
      }
      text_wrapped_colored(t.text_dim, sizes);
      ImGui::Separator();
    }
    // The words, as big as the room allows.
    for (ImFont* font : {ctx.fonts.title, ctx.fonts.heading, ctx.fonts.body}) {
      ImGui::PushFont(font);
      const bool fits = room_for(wrapped_height(text.c_str()));
      if (fits || font == ctx.fonts.body) {
        if (fits) text_wrapped_colored(t.text, text.c_str());
        else if (room_for(ImGui::GetTextLineHeight()))
          ImGui::TextColored(t.text, "%s", fit_text(text, ImGui::GetContentRegionAvail().x).c_str());
        ImGui::PopFont();
        break;
      }
      ImGui::PopFont();
    }
  } else if (const auto* h = unit.http()) {
    ImGui::PushFont(ctx.fonts.mono);
    if (room_for(ImGui::GetTextLineHeight())) ImGui::TextUnformatted(fit_text(h->start_line, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopFont();
    char fields[96];
    std::snprintf(fields, sizeof fields, "%zu header fields, a %llu-byte body", h->headers.size(),
                  static_cast<unsigned long long>(h->body_len));
    text_wrapped_if_room(t.text_dim, fields);
  } else {
    text_wrapped_if_room(t.text, describe(unit, 200).c_str());
  }
}

}  // namespace

WIRELAB_REGISTER_SCENE(6, []() -> std::unique_ptr<Scene> { return std::make_unique<TlsScene>(); });

}  // namespace viz
