// Scene 3, Frame anatomy, the words: the header read aloud byte by byte, and
// the payload as the application sees it (text, hex, a close code's name, or
// the inflated text of a permessage-deflate frame), and the compact layout's values
// as short lines. The class is in frame_anatomy.h.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "scenes/frame_anatomy.h"
#include "ui/widgets.h"
#include "wire/close_code.h"

namespace viz::frame_anatomy {

// The header read aloud, byte by byte: "byte 0 = 1000 0001: FIN 1, RSV 000, opcode 0x1".
void FrameAnatomyScene::draw_reading(SceneContext& ctx, const wire::Frame& f, const std::vector<FrameField>& fields) {
  const Theme& t = ctx.theme;
  if (!compact_) heading(ctx, "Reading the header");
  std::size_t k = 0;
  while (k < fields.size() && fields[k].id != FieldId::payload) {
    const FrameField& first = fields[k];
    std::string line;
    char buf[64];
    if (first.bit_count < 8 || first.bit_begin % 8 != 0) {
      // One byte shared by several fields.
      const std::size_t byte = first.first_byte();
      const unsigned v = byte < f.header.size() ? f.header[byte] : 0U;
      std::snprintf(buf, sizeof buf, "byte %zu = %02x: ", byte, v);
      line = buf;
      bool sep = false;
      while (k < fields.size() && fields[k].id != FieldId::payload && fields[k].first_byte() == byte &&
             fields[k].end_byte() == byte + 1) {
        if (sep) line += ", ";
        const FrameField& fk = fields[k];
        const std::string shown = fk.id == FieldId::opcode        ? fk.value
                              : fk.id == FieldId::payload_len ? std::to_string(fk.raw)
                                                              : fk.bits;
        line += std::string(short_name(fk.id)) + " " + shown;
        sep = true;
        ++k;
      }
      if (!sep) ++k;   // a field crossing bytes without starting on one: not in RFC 6455, but never loop
    } else {
      std::snprintf(buf, sizeof buf, "bytes %zu\xe2\x80\x93%zu: ", first.first_byte(), first.end_byte() - 1);
      line = buf + std::string(first.name) + " = " + first.value;
      ++k;
    }
    // Line by line while the panel has room: a short one keeps the first bytes.
    ImGui::PushFont(ctx.fonts.mono);
    const bool room = room_for(wrapped_height(line.c_str()));
    if (room) ImGui::TextWrapped("%s", line.c_str());
    ImGui::PopFont();
    if (!room) return;
  }
  char then[96];
  std::snprintf(then, sizeof then, "then %llu payload bytes%s.", static_cast<unsigned long long>(f.payload_len),
                f.masked ? ", masked with the key" : "");
  text_wrapped_if_room(t.text_dim, then);
}

// Compact: the decoded values as a few short lines under the diagram, "FIN 1 · RSV 000 · opcode
// 0x1 text", each only when it fits the height left.
void FrameAnatomyScene::draw_values_compact(const std::vector<FrameField>& fields) {
  std::vector<std::string> parts;
  std::string rsv;
  for (const FrameField& fld : fields) {
    switch (fld.id) {
      case FieldId::fin: parts.push_back("FIN " + fld.bits); break;
      case FieldId::rsv1:
      case FieldId::rsv2: rsv += fld.bits; break;
      case FieldId::rsv3: parts.push_back("RSV " + rsv + fld.bits); break;
      case FieldId::opcode: parts.push_back("opcode " + fld.value); break;
      case FieldId::mask: parts.push_back("MASK " + fld.bits); break;
      case FieldId::payload_len:
      case FieldId::extended_len_16:
      case FieldId::extended_len_64: parts.push_back(std::string(short_name(fld.id)) + " " + std::to_string(fld.raw)); break;
      case FieldId::masking_key: parts.push_back("key " + fld.value); break;
      case FieldId::payload: break;
    }
  }
  const float width = ImGui::GetContentRegionAvail().x;
  std::string line;
  const auto flush = [&]() {
    if (line.empty() || !room_for(ImGui::GetTextLineHeight())) return false;
    ImGui::TextUnformatted(fit_text(line, width).c_str());
    line.clear();
    return true;
  };
  for (const std::string& part : parts) {
    const std::string joined = line.empty() ? part : line + "  \xc2\xb7  " + part;
    if (!line.empty() && ImGui::CalcTextSize(joined.c_str()).x > width) {
      if (!flush()) return;
      line = part;
    } else {
      line = joined;
    }
  }
  flush();
}

// The payload as the application sees it.
void FrameAnatomyScene::draw_payload(SceneContext& ctx, const Entry& e) {
  const Theme& t = ctx.theme;
  const wire::Frame& f = *e.frame();
  const wire::FrameHeader& h = *e.header;
  if (lines_left() < 3.0f) return;   // a heading and a line at least, else the fields keep the panel
  heading(ctx, f.masked ? "Payload, unmasked" : "Payload");
  if (f.truncated) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.warn);
    ImGui::TextWrapped("The relay kept the first %zu of %llu payload bytes.", f.payload.size(),
                       static_cast<unsigned long long>(f.payload_len));
    ImGui::PopStyleColor();
  }
  const wire::Bytes& clear = e.payload_clear;
  if (h.opcode == wire::Opcode::close) {
    const auto cp = wire::parse_close_payload(clear);
    if (!cp) {
      ImGui::PushStyleColor(ImGuiCol_Text, t.bad);
      ImGui::TextWrapped("Bad close payload: %s (%s)", cp.error().reason.c_str(), cp.error().rule.c_str());
      ImGui::PopStyleColor();
    } else if (!cp->code) {
      ImGui::TextWrapped("No status code (an empty close payload; reported locally as 1005).");
    } else {
      ImGui::PushFont(ctx.fonts.heading);
      ImGui::Text("Close code %s", wire::close_code_name(*cp->code).c_str());
      ImGui::PopFont();
      help_marker(ctx, "RFC 6455 5.5.1, 7.4: the first two payload bytes are the status code (big-endian), "
                       "then an optional UTF-8 reason.");
      if (!cp->reason.empty()) ImGui::TextWrapped("Reason: \"%s\"", cp->reason.c_str());
    }
    return;
  }
  if (h.rsv1 && e.inflated) {
    char note[160];
    std::snprintf(note, sizeof note, "RSV1 = 1: permessage-deflate (RFC 7692). %llu compressed bytes on the wire inflate to "
                  "%zu bytes:", static_cast<unsigned long long>(f.payload_len), e.inflated->size());
    text_wrapped_if_room(t.accent, note);
  } else if (h.rsv1) {
    ImGui::PushStyleColor(ImGuiCol_Text, t.warn);
    ImGui::TextWrapped("RSV1 = 1 but the payload could not be inflated (no permessage-deflate negotiated, or the "
                       "connection was not seen from its first byte).");
    ImGui::PopStyleColor();
  }
  const wire::Bytes& data = (h.rsv1 && e.inflated) ? *e.inflated : clear;
  const bool text = e.message_opcode == wire::Opcode::text;
  if (text) {
    constexpr std::size_t max_chars = 400;
    std::string s(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(std::min(data.size(), max_chars)));
    if (data.size() > max_chars) s += "\xe2\x80\xa6";
    // The big font for a short text when it fits the height left; else the body-size one, and
    // what still does not fit is elided to the lines there are.
    ImGui::PushFont(ctx.fonts.mono_big);
    const bool big = data.size() <= 160 && room_for(wrapped_height(s.c_str()));
    ImGui::PopFont();
    ImGui::PushFont(big ? ctx.fonts.mono_big : ctx.fonts.mono);
    while (!big && s.size() > 1 && !room_for(wrapped_height(s.c_str()))) s = fit_text(s, ImGui::CalcTextSize(s.c_str()).x * 0.8f);
    ImGui::PushStyleColor(ImGuiCol_Text, t.text);
    if (room_for(wrapped_height(s.c_str()))) ImGui::TextWrapped("%s", s.c_str());
    ImGui::PopStyleColor();
    ImGui::PopFont();
  } else {
    std::string s;
    const std::size_t n = std::min<std::size_t>(data.size(), 64);
    for (std::size_t i = 0; i < n; ++i) {
      char b[4];
      std::snprintf(b, sizeof b, "%02x ", static_cast<unsigned>(data[i]));
      s += b;
    }
    if (data.size() > n) s += "\xe2\x80\xa6";
    if (data.empty()) s = "(empty)";
    ImGui::PushFont(ctx.fonts.mono);
    ImGui::TextWrapped("%s", s.c_str());
    ImGui::PopFont();
  }
}

}  // namespace viz::frame_anatomy
