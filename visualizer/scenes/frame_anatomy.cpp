// Scene 3, Frame anatomy (issue 4 §3.3): RFC 6455 5.2's bit diagram filled
// with the selected frame's actual bits, every field linked to its bytes in a
// hex view (hover either and both light up), the decoded values with a help
// marker citing the RFC, and the payload: text, hex, a close code's name, or
// the inflated text of a permessage-deflate frame (RSV1, RFC 7692).
// With nothing selected it shows the latest client text frame.
// The field layout comes from teach/frame_layout.h (tested without GL).
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "scenes/frame_anatomy.h"
#include "ui/widgets.h"
#include "wire/close_code.h"

namespace viz::frame_anatomy {

ImVec4 field_color(const Theme& t, FieldId id) {
  switch (id) {
    case FieldId::fin: return t.lane_a;
    case FieldId::rsv1:
    case FieldId::rsv2:
    case FieldId::rsv3: return t.meta;
    case FieldId::opcode: return t.http;
    case FieldId::mask: return t.control;
    case FieldId::payload_len:
    case FieldId::extended_len_16:
    case FieldId::extended_len_64: return t.binary_frame;
    case FieldId::masking_key: return t.close;
    case FieldId::payload: return t.text_frame;
  }
  return t.meta;
}

const char* short_name(FieldId id) {
  switch (id) {
    case FieldId::fin: return "FIN";
    case FieldId::rsv1: return "R1";
    case FieldId::rsv2: return "R2";
    case FieldId::rsv3: return "R3";
    case FieldId::opcode: return "opcode";
    case FieldId::mask: return "M";
    case FieldId::payload_len: return "len";
    case FieldId::extended_len_16: return "ext len";
    case FieldId::extended_len_64: return "ext len";
    case FieldId::masking_key: return "key";
    case FieldId::payload: return "payload";
  }
  return "";
}

namespace {
bool latest_client_text(const Entry& e) {
  const wire::Frame* f = e.frame();
  return f && f->dir == wire::Direction::c2s && e.header && e.message_opcode == wire::Opcode::text;
}
bool any_frame(const Entry& e) { return e.frame() != nullptr && e.header.has_value(); }
}  // namespace

const Entry* FrameAnatomyScene::pick(const SceneContext& ctx, bool& is_default) {
  is_default = false;
  if (const Entry* e = ctx.selected(); e && e->frame() && e->header) return e;
  is_default = true;
  if (cached_version_ != ctx.model.version()) {   // scan once per model change, not per frame
    cached_version_ = ctx.model.version();
    auto i = ctx.model.last_index_where(&latest_client_text);
    if (!i) i = ctx.model.last_index_where(&any_frame);
    cached_default_ = i ? std::optional<std::uint64_t>(ctx.model.at(*i).seq()) : std::nullopt;
  }
  return cached_default_ ? ctx.model.by_seq(*cached_default_) : nullptr;
}

bool FrameAnatomyScene::field_lit(const std::vector<FrameField>& fields, std::size_t k) const {
  if (hovered_field_ == static_cast<int>(k)) return true;
  return hovered_byte_ >= 0 && fields[k].covers_byte(static_cast<std::size_t>(hovered_byte_));
}

bool FrameAnatomyScene::byte_lit(const std::vector<FrameField>& fields, std::size_t i) const {
  if (hovered_byte_ == static_cast<int>(i)) return true;
  return hovered_field_ >= 0 && static_cast<std::size_t>(hovered_field_) < fields.size() &&
         fields[static_cast<std::size_t>(hovered_field_)].covers_byte(i);
}

void FrameAnatomyScene::draw(SceneContext& ctx) {
  next_field_ = -1;
  next_byte_ = -1;
  bool is_default = false;
  const Entry* e = pick(ctx, is_default);
  shown_seq_ = e ? std::optional<std::uint64_t>(e->seq()) : std::nullopt;
  if (e == nullptr) {
    heading(ctx, "Frame anatomy (RFC 6455 5.2)");
    empty_note(ctx, "No WebSocket frames yet. Start a chat (or replay a capture): "
                    "the first frame will be taken apart here, bit by bit.");
    return;
  }
  const wire::Frame& f = *e->frame();
  const wire::FrameHeader& h = *e->header;
  const std::vector<FrameField> fields = teach::frame_layout(h, f.header);

  // A short window (a large display scale): one title line that says "latest" instead of the note,
  // the bit diagram with one row of bit numbers, then the header read aloud as far as it fits.
  compact_ = lines_left() < kCompactLines;
  // Title line: which frame, which way, what kind.
  kind_chip(ctx, e->kind);
  const ConnView* cv = ctx.model.conn(f.conn);
  const char* dir = f.dir == wire::Direction::c2s ? "client \xe2\x86\x92 relay" : "relay \xe2\x86\x92 client";
  if (compact_) {
    char line[128];
    std::snprintf(line, sizeof line, "%s #%llu: %s, %llu bytes, %s", is_default ? "Latest frame" : "Frame",
                  static_cast<unsigned long long>(e->seq()), wire::opcode_name(h.opcode),
                  static_cast<unsigned long long>(h.payload_len), dir);
    ImGui::PushFont(ctx.fonts.bold);
    ImGui::TextUnformatted(fit_text(line, ImGui::GetContentRegionAvail().x).c_str());
    ImGui::PopFont();
  } else {
    ImGui::PushFont(ctx.fonts.heading);
    ImGui::PushTextWrapPos(0.0f);   // a large display scale wraps the title rather than cutting it
    ImGui::Text("Frame #%llu   conn #%llu   %s   %s, %llu bytes", static_cast<unsigned long long>(e->seq()),
                static_cast<unsigned long long>(f.conn), dir, wire::opcode_name(h.opcode),
                static_cast<unsigned long long>(h.payload_len));
    ImGui::PopTextWrapPos();
    ImGui::PopFont();
    if (is_default) default_note(ctx, "the latest frame a client sent");
  }
  if (e->violation) {
    std::string action = "The relay must fail the connection";
    if (cv && cv->close_code) action += ": closed with " + wire::close_code_name(*cv->close_code);
    violation_banner(ctx, e->violation_rule.empty() ? "This frame breaks a rule of RFC 6455" : e->violation_rule.c_str(),
                     action.c_str());
  }
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(4.0f)));
  draw_bits(ctx, fields, f.header.size());
  // Compact: the decoded values as short lines under the first row (instead of the field table);
  // then, with room to spare (2x on 1920x1080), the hex view beside the payload, else the payload
  // as one line (3x on 1280x720).
  if (compact_) draw_values_compact(fields);
  if (compact_ && lines_left() < 6.0f) {
    // The payload as text, elided to the line left (a text frame; masked ones shown unmasked).
    if (e->message_opcode == wire::Opcode::text && !e->payload_clear.empty() && room_for(ImGui::GetTextLineHeight())) {
      std::string text(e->payload_clear.begin(), e->payload_clear.begin() +
                                                     static_cast<std::ptrdiff_t>(std::min<std::size_t>(e->payload_clear.size(), 400)));
      for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20) c = ' ';   // one line: a newline in the text would make two
      }
      ImGui::PushFont(ctx.fonts.mono);
      ImGui::TextColored(ctx.theme.text_dim, "%s", fit_text("payload " + text, ImGui::GetContentRegionAvail().x).c_str());
      ImGui::PopFont();
    }
  } else {
    ImGui::Dummy(ImVec2(0, ctx.fonts.px(8.0f)));
    const float avail = ImGui::GetContentRegionAvail().x;
    const float left_w = std::min(avail * 0.40f, ctx.fonts.px(760.0f));
    ImGui::BeginChild("hex", ImVec2(left_w, 0), false, ImGuiWindowFlags_NoScrollbar);
    draw_hex(ctx, *e, fields);
    ImGui::EndChild();
    ImGui::SameLine(0, ctx.fonts.px(24.0f));
    ImGui::BeginChild("fields", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollbar);
    if (!compact_) {
      draw_fields(ctx, fields);
      ImGui::Dummy(ImVec2(0, ctx.fonts.px(6.0f)));
    }
    draw_payload(ctx, *e);
    ImGui::EndChild();
  }

  hovered_field_ = next_field_;
  hovered_byte_ = next_byte_;
  ctx.selection.hovered_field = hovered_field_;
}

// 5.2's diagram: 32 bits a row, numbered as in the RFC, each field a coloured span.
void FrameAnatomyScene::draw_bits(SceneContext& ctx, const std::vector<FrameField>& fields, std::size_t header_len) {
  const Theme& t = ctx.theme;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float avail = ImGui::GetContentRegionAvail().x;
  const float cell = std::min(avail / 32.0f, ctx.fonts.px(58.0f));
  const float label_h = ctx.fonts.px(FontSizes::body) + ctx.fonts.px(compact_ ? 2.0f : 6.0f);
  const float num_h = ctx.fonts.px(FontSizes::body) + ctx.fonts.px(2.0f);
  const std::size_t header_bits = header_len * 8;
  // Compact: the first row only (FIN to the payload length, the RFC's first 32 bits); the values
  // under the diagram carry the rest of the masking key.
  const std::size_t rows = compact_ ? 1 : (header_bits + 31) / 32;
  // The big bits when the diagram takes at most half of what is left (the hex view and the fields
  // need the rest); on a short window (a large display scale) the body-size mono font.
  const float big_h = ctx.fonts.px(FontSizes::mono_big) + ctx.fonts.px(10.0f);
  const bool big = !compact_ && 2 * (2 * num_h + static_cast<float>(rows) * (big_h + label_h)) <= ImGui::GetContentRegionAvail().y;
  ImFont* bit_font = big ? ctx.fonts.mono_big : ctx.fonts.mono;
  const float bit_h = big ? big_h : ctx.fonts.px(FontSizes::mono) + ctx.fonts.px(compact_ ? 4.0f : 8.0f);
  ImVec2 origin = ImGui::GetCursorScreenPos();

  // Bit numbers over the first row as in the RFC's diagram: tens, then units; compact, one row
  // numbering the byte boundaries.
  ImGui::PushFont(ctx.fonts.body);
  for (int b = 0; b < 32 && compact_; b += 8) {
    char num[4];
    std::snprintf(num, sizeof num, "%d", b);
    dl->AddText(ImVec2(origin.x + static_cast<float>(b) * cell + ctx.fonts.px(2.0f), origin.y), Theme::u32(t.text_dim), num);
  }
  for (int b = 0; b < 32 && !compact_; ++b) {
    char num[4];
    if (b % 10 == 0) {
      std::snprintf(num, sizeof num, "%d", b / 10);
      dl->AddText(ImVec2(origin.x + static_cast<float>(b) * cell + ctx.fonts.px(2.0f), origin.y), Theme::u32(t.text_dim),
                  num);
    }
    std::snprintf(num, sizeof num, "%d", b % 10);
    const ImVec2 ts = ImGui::CalcTextSize(num);
    dl->AddText(ImVec2(origin.x + static_cast<float>(b) * cell + (cell - ts.x) * 0.5f, origin.y + num_h),
                Theme::u32(t.text_dim), num);
  }
  ImGui::PopFont();
  const float numbers_h = (compact_ ? 1.0f : 2.0f) * num_h;
  origin.y += numbers_h;
  const ImVec2 mouse = ImGui::GetIO().MousePos;

  for (std::size_t k = 0; k < fields.size(); ++k) {
    const FrameField& fld = fields[k];
    if (fld.id == FieldId::payload) continue;
    const bool lit = field_lit(fields, k);
    const ImVec4 col = field_color(t, fld.id);
    // A field may wrap over rows: draw one span per row.
    std::size_t b = fld.bit_begin;
    const std::size_t end = std::min(fld.bit_begin + fld.bit_count, header_bits);
    bool first_span = true;
    while (b < end && b / 32 < rows) {
      const std::size_t row = b / 32;
      const std::size_t row_end = std::min(end, (row + 1) * 32);
      const float y = origin.y + static_cast<float>(row) * (bit_h + label_h);
      const ImVec2 p0(origin.x + static_cast<float>(b % 32) * cell, y);
      const ImVec2 p1(origin.x + static_cast<float>((row_end - 1) % 32 + 1) * cell, y + bit_h);
      dl->AddRectFilled(p0, p1, Theme::u32(col, lit ? 1.0f : 0.30f), ctx.fonts.px(4.0f));
      dl->AddRect(p0, p1, Theme::u32(lit ? t.accent : t.border), ctx.fonts.px(4.0f), 0,
                  ctx.fonts.px(lit ? 4.0f : 1.5f));
      // The bits themselves, big.
      ImGui::PushFont(bit_font);
      for (std::size_t bit = b; bit < row_end; ++bit) {
        const char s[2] = {fld.bits[bit - fld.bit_begin], 0};
        const ImVec2 ts = ImGui::CalcTextSize(s);
        dl->AddText(ImVec2(origin.x + static_cast<float>(bit % 32) * cell + (cell - ts.x) * 0.5f,
                           y + (bit_h - ts.y) * 0.5f),
                    Theme::u32(lit ? t.on_kind : t.text), s);
      }
      ImGui::PopFont();
      // The field's name under its span (short form when it does not fit).
      const float span_w = p1.x - p0.x;
      const std::string cont = std::string(fld.name) + " (cont.)";
      const char* name = first_span ? fld.name : cont.c_str();
      ImVec2 ns = ImGui::CalcTextSize(name);
      if (ns.x > span_w - 4.0f) {
        name = first_span ? short_name(fld.id) : "(cont.)";
        ns = ImGui::CalcTextSize(name);
      }
      // Still too wide (FIN over one bit at scale 2): a little smaller, never into the next field's name.
      float size = ImGui::GetFontSize();
      const float room = span_w - ctx.fonts.px(2.0f);
      if (ns.x > room && ns.x * 0.7f <= room) {
        size *= room / ns.x;
        ns.x = room;
      }
      if (ns.x <= room) {
        const float drop = (ImGui::GetFontSize() - size) * 0.5f;   // on the same middle line as its neighbours
        dl->AddText(ImGui::GetFont(), size, ImVec2(p0.x + (span_w - ns.x) * 0.5f, y + bit_h + ctx.fonts.px(2.0f) + drop),
                    Theme::u32(lit ? t.accent : t.text), name);
      }
      if (mouse.x >= p0.x && mouse.x < p1.x && mouse.y >= p0.y && mouse.y < p1.y + label_h) {
        next_field_ = static_cast<int>(k);
      }
      first_span = false;
      b = row_end;
    }
  }
  // Where the header ends, the payload begins: a dashed-looking span to the row's end.
  const auto payload = std::find_if(fields.begin(), fields.end(), [](const FrameField& f) { return f.id == FieldId::payload; });
  if (payload != fields.end() && header_bits % 32 != 0 && header_bits / 32 < rows) {
    const std::size_t row = header_bits / 32;
    const float y = origin.y + static_cast<float>(row) * (bit_h + label_h);
    const ImVec2 p0(origin.x + static_cast<float>(header_bits % 32) * cell, y);
    const ImVec2 p1(origin.x + 32.0f * cell, y + bit_h);
    const std::size_t k = static_cast<std::size_t>(payload - fields.begin());
    const bool lit = field_lit(fields, k);
    dl->AddRectFilled(p0, p1, Theme::u32(field_color(t, FieldId::payload), lit ? 0.9f : 0.18f), ctx.fonts.px(4.0f));
    dl->AddRect(p0, p1, Theme::u32(lit ? t.accent : t.border), ctx.fonts.px(4.0f), 0, ctx.fonts.px(lit ? 4.0f : 1.5f));
    char label[64];
    std::snprintf(label, sizeof label, "Payload Data: %s \xe2\x86\x92", payload->value.c_str());
    const ImVec2 ls = ImGui::CalcTextSize(label);
    if (ls.x < p1.x - p0.x) {
      dl->AddText(ImVec2(p0.x + (p1.x - p0.x - ls.x) * 0.5f, y + (bit_h - ls.y) * 0.5f), Theme::u32(lit ? t.on_kind : t.text),
                  label);
    }
    if (mouse.x >= p0.x && mouse.x < p1.x && mouse.y >= p0.y && mouse.y < p1.y) next_field_ = static_cast<int>(k);
  }
  ImGui::Dummy(ImVec2(32.0f * cell, numbers_h + static_cast<float>(rows) * (bit_h + label_h)));
}

// The frame's bytes, 8 a row; each byte tinted with its field's colour.
void FrameAnatomyScene::draw_hex(SceneContext& ctx, const Entry& e, const std::vector<FrameField>& fields) {
  const Theme& t = ctx.theme;
  const wire::Frame& f = *e.frame();
  heading(ctx, "Bytes on the wire");
  // The big mono font when the header and a row of payload fit the panel's height in it, else the
  // body-size one; then as many payload rows as fit (up to 40 bytes), the rest counted below.
  ImGui::PushFont(ctx.fonts.mono_big);
  const float big_row = ImGui::CalcTextSize("00").y + ctx.fonts.px(10.0f);
  const float big_w = ImGui::CalcTextSize("000 ").x + 8.0f * (ImGui::CalcTextSize("00").x + ctx.fonts.px(14.0f));
  ImGui::PopFont();
  const float text_h = 2.0f * ImGui::GetTextLineHeightWithSpacing();   // the two lines under the bytes
  // (and 8 bytes a row in it, or a short window keeps the smaller font's 8 a row)
  const bool big = room_for(static_cast<float>((f.header.size() + 7) / 8 + 1) * big_row + text_h) &&
                   (!compact_ || big_w <= ImGui::GetContentRegionAvail().x);
  ImGui::PushFont(big ? ctx.fonts.mono_big : ctx.fonts.mono);
  const ImVec2 cs = ImGui::CalcTextSize("00");
  const float cw = cs.x + ctx.fonts.px(14.0f), ch = cs.y + ctx.fonts.px(10.0f);
  const ImVec2 off = ImGui::CalcTextSize("000 ");
  // 8 bytes a row when they fit (the RFC's diagram is 4 bytes wide: 8 keeps rows aligned to it), else 4.
  const std::size_t per_row = off.x + 8.0f * cw <= ImGui::GetContentRegionAvail().x ? 8 : 4;
  const float rows_room = std::max(0.0f, ImGui::GetContentRegionAvail().y - text_h);
  const std::size_t rows_fit = std::max<std::size_t>(static_cast<std::size_t>(rows_room / ch), (f.header.size() + per_row - 1) / per_row);
  const std::size_t shown_payload =
      std::min<std::size_t>({f.payload.size(), 40, rows_fit * per_row - std::min(rows_fit * per_row, f.header.size())});
  const std::size_t total = f.header.size() + shown_payload;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t i = 0; i < total; ++i) {
    const std::size_t row = i / per_row, col = i % per_row;
    const float y = origin.y + static_cast<float>(row) * ch;
    if (col == 0) {
      char o[24];
      std::snprintf(o, sizeof o, "%3zu", i);
      dl->AddText(ctx.fonts.mono, ctx.fonts.px(FontSizes::mono), ImVec2(origin.x, y + ctx.fonts.px(9.0f)),
                  Theme::u32(t.text_dim), o);
    }
    const std::uint8_t byte = i < f.header.size() ? f.header[i] : f.payload[i - f.header.size()];
    // The field this byte belongs to: the first covering it (byte 0 holds FIN..opcode).
    FieldId id = FieldId::payload;
    for (const FrameField& fld : fields) {
      if (fld.covers_byte(i)) {
        id = fld.id;
        break;
      }
    }
    const bool lit = byte_lit(fields, i);
    const ImVec2 p0(origin.x + off.x + static_cast<float>(col) * cw, y);
    const ImVec2 p1(p0.x + cw - ctx.fonts.px(4.0f), y + ch - ctx.fonts.px(4.0f));
    dl->AddRectFilled(p0, p1, Theme::u32(field_color(t, id), lit ? 1.0f : 0.30f), ctx.fonts.px(3.0f));
    if (lit) dl->AddRect(p0, p1, Theme::u32(t.accent), ctx.fonts.px(3.0f), 0, ctx.fonts.px(3.0f));
    char hx[4];
    std::snprintf(hx, sizeof hx, "%02x", static_cast<unsigned>(byte));
    dl->AddText(ImVec2(p0.x + ctx.fonts.px(7.0f), y + ctx.fonts.px(3.0f)), Theme::u32(lit ? t.on_kind : t.text), hx);
    if (i + 1 == f.header.size() && col + 1 < per_row) {   // a rule between header and payload
      dl->AddLine(ImVec2(p1.x + ctx.fonts.px(2.0f), y - ctx.fonts.px(2.0f)), ImVec2(p1.x + ctx.fonts.px(2.0f), p1.y + ctx.fonts.px(2.0f)),
                  Theme::u32(t.text), ctx.fonts.px(3.0f));
    }
    if (mouse.x >= p0.x && mouse.x < p1.x && mouse.y >= p0.y && mouse.y < p1.y) next_byte_ = static_cast<int>(i);
  }
  const std::size_t rows = (total + per_row - 1) / per_row;
  ImGui::Dummy(ImVec2(off.x + static_cast<float>(per_row) * cw, static_cast<float>(rows) * ch));
  ImGui::PopFont();
  char more[64];
  std::snprintf(more, sizeof more, "\xe2\x80\xa6 %llu more payload bytes", static_cast<unsigned long long>(f.payload_len - shown_payload));
  if (f.payload_len > shown_payload) text_wrapped_if_room(t.text_dim, more);
  char note[96];
  std::snprintf(note, sizeof note, "Header: %zu bytes. Hover a byte or a field: both light up.", f.header.size());
  if (!text_wrapped_if_room(t.text_dim, note)) return;
  ImGui::Dummy(ImVec2(0, ctx.fonts.px(8.0f)));
  if (!compact_ && lines_left() >= 3.0f) draw_reading(ctx, f, fields);   // compact: the values are above
}

// Decoded values, one row a field, each with its RFC section.
void FrameAnatomyScene::draw_fields(SceneContext& ctx, const std::vector<FrameField>& fields) {
  const Theme& t = ctx.theme;
  heading(ctx, "Fields, decoded");
  constexpr ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("fields", 3, flags)) return;
  ImGui::TableSetupColumn("Field", ImGuiTableColumnFlags_WidthStretch, 1.7f);
  ImGui::TableSetupColumn("Bits", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch, 1.6f);
  // A short panel keeps the first fields (FIN ... payload length): a row only when it fits, its
  // height that of its value wrapped at the value column's width (read from the row before).
  // (+ the row's border and where the cursor sits in the cell before: a few px of slack)
  const float pad_h = ImGui::GetStyle().CellPadding.y * 2.0f + ImGui::GetStyle().ItemSpacing.y + ctx.fonts.px(4.0f);
  float value_w = ImGui::GetContentRegionAvail().x * 1.6f / 4.3f;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    const FrameField& fld = fields[k];
    const float value_h = ImGui::CalcTextSize(fld.value.c_str(), nullptr, false, value_w).y;
    if (!room_for(std::max(ImGui::GetTextLineHeight(), value_h) + pad_h)) break;
    ImGui::TableNextRow();
    if (field_lit(fields, k)) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, Theme::u32(t.selection_bg));
    ImGui::TableSetColumnIndex(0);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float sw = ctx.fonts.px(14.0f);
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + ctx.fonts.px(4.0f)),
                                              ImVec2(p.x + sw, p.y + ctx.fonts.px(20.0f)),
                                              Theme::u32(field_color(t, fld.id)), ctx.fonts.px(3.0f));
    ImGui::Dummy(ImVec2(sw, 1.0f));
    ImGui::SameLine();
    ImGui::PushID(static_cast<int>(k));
    ImGui::Selectable(fld.name, false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap);
    if (ImGui::IsItemHovered()) next_field_ = static_cast<int>(k);
    ImGui::PopID();
    std::string help = std::string(fld.rfc) + ": " + fld.help;
    // The selectable spans the whole row, so help_marker would think its line full: the marker goes
    // beside the name explicitly (the cell clips it, never the panel).
    ImGui::SameLine();
    help_marker(ctx, help.c_str());
    ImGui::TableSetColumnIndex(1);
    ImGui::PushFont(ctx.fonts.mono);
    if (fld.id == FieldId::payload) {
      ImGui::TextUnformatted("\xe2\x80\x94");
    } else if (fld.bits.size() > 16) {
      ImGui::Text("%zu bits", fld.bits.size());
    } else {
      ImGui::TextUnformatted(fld.bits.c_str());
    }
    ImGui::PopFont();
    ImGui::TableSetColumnIndex(2);
    value_w = ImGui::GetContentRegionAvail().x;
    ImGui::TextWrapped("%s", fld.value.c_str());
  }
  ImGui::EndTable();
}

}  // namespace viz::frame_anatomy

namespace viz {
WIRELAB_REGISTER_SCENE(3, []() -> std::unique_ptr<Scene> { return std::make_unique<frame_anatomy::FrameAnatomyScene>(); });
}  // namespace viz
