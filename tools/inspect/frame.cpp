// wirelab-inspect frame HEX: every field of one or more WebSocket frames
// (RFC 6455 5.2), the payload masked and unmasked (5.3), close codes (7.4),
// what a prefix still needs, and the rule an invalid frame breaks.
// Decoding is wire's FrameHeaderDecoder and MessageAssembler: no second parser.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "text.h"
#include "wire/close_code.h"
#include "wire/events.h"
#include "wire/frame.h"
#include "wire/mask.h"
#include "wire/message.h"

namespace inspect {

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Violation {
  wire::Error error;            // rule, reason, offset (absolute, in the input)
  std::uint16_t close_code = 1002;
};

// One frame as far as the input goes.
struct FrameReport {
  std::size_t offset = 0;                 // of its first byte in the input
  wire::FrameHeader header;
  std::size_t header_have = 0;            // header bytes present
  bool header_complete = false;
  Bytes payload_masked;                   // as on the wire (present bytes only)
  Bytes payload;                          // unmasked
  std::optional<wire::ClosePayload> close;
  std::vector<Violation> violations;
  std::vector<std::string> notes;
  std::size_t need = 0;                   // incomplete: at least this many more bytes
  bool fatal = false;                     // the header could not be framed at all
};

std::string length_why(const wire::FrameHeader& h) {
  switch (wire::length_form(h)) {
    case wire::LengthForm::seven_bit:
      return "7-bit form: lengths 0-125 fit in the 7 bits of byte 1";
    case wire::LengthForm::sixteen_bit:
      return fmt::format("16-bit form: byte 1 says 126, so the real length ({}) is in the next 2 bytes "
                         "(lengths 126-65535)", h.payload_len);
    case wire::LengthForm::sixty_four_bit:
      return fmt::format("64-bit form: byte 1 says 127, so the real length ({}) is in the next 8 bytes "
                         "(lengths over 65535; top bit 0)", h.payload_len);
  }
  return "";
}

std::string opcode_meaning(wire::Opcode op) {
  using wire::Opcode;
  switch (op) {
    case Opcode::continuation: return "continues a fragmented message (5.4)";
    case Opcode::text: return "a data frame of UTF-8 text (5.6)";
    case Opcode::binary: return "a data frame of binary data (5.6)";
    case Opcode::close: return "a control frame: closing handshake (5.5.1)";
    case Opcode::ping: return "a control frame: the peer must answer with a pong (5.5.2)";
    case Opcode::pong: return "a control frame: the answer to a ping (5.5.3)";
    default: return "reserved for future use: a receiver must fail the connection (5.2)";
  }
}

std::vector<FrameReport> decode_all(std::span<const std::uint8_t> input, const FrameOptions& o) {
  std::vector<FrameReport> frames;
  wire::MessageAssembler assembler(wire::MessageLimits{std::size_t{1} << 40, true});
  std::size_t at = 0;
  while (at < input.size()) {
    FrameReport r;
    r.offset = at;
    const bool masked = (input.size() > at + 1) && (input[at + 1] & 0x80);
    wire::FrameRules rules;
    rules.from_client = o.from == "client" || (o.from == "auto" && masked);
    rules.rsv1_negotiated = o.deflate;
    rules.stop_on_rule_break = false;   // explain the whole frame, then name the rules it breaks
    wire::FrameHeaderDecoder decoder(rules);
    const auto step = decoder.feed(input.subspan(at));
    r.header = step.header;
    r.header_have = step.consumed;
    if (step.status == wire::FrameHeaderDecoder::Status::error) {
      r.fatal = true;
      r.violations.push_back({wire::frame_error(*step.error, at + step.error_at), wire::close_code_for(*step.error)});
      frames.push_back(std::move(r));
      break;
    }
    if (step.status == wire::FrameHeaderDecoder::Status::need_more) {
      r.need = step.need;
      frames.push_back(std::move(r));
      break;
    }
    r.header_complete = true;
    if (auto e = wire::check_header(r.header, rules))
      r.violations.push_back({wire::frame_error(*e, at + wire::error_byte(*e)), wire::close_code_for(*e)});
    at += step.consumed;
    const std::size_t have = std::min<std::uint64_t>(r.header.payload_len, input.size() - at);
    r.payload_masked.assign(input.begin() + static_cast<std::ptrdiff_t>(at),
                            input.begin() + static_cast<std::ptrdiff_t>(at + have));
    r.payload = r.payload_masked;
    if (r.header.masked) wire::apply_mask(r.payload, r.header.masking_key, 0);
    at += have;
    if (have < r.header.payload_len) {
      r.need = static_cast<std::size_t>(r.header.payload_len - have);
      frames.push_back(std::move(r));
      break;
    }
    // Message-level rules: fragmentation (5.4), UTF-8 (8.1), close payloads (5.5.1, 7.4).
    if (r.violations.empty()) {
      const auto m = assembler.feed(r.header, r.payload);
      if (m.kind == wire::MessageAssembler::Kind::error && frames.empty() &&
          m.error_kind == wire::MessageError::continuation_without_start) {
        // The message began in bytes not given here: not an error of this input.
        r.notes.push_back("a continuation frame: its message began in an earlier frame, not in this input (5.4)");
        assembler.reset();
      } else if (m.kind == wire::MessageAssembler::Kind::error) {
        wire::Error e = m.error;
        e.offset += at - have;   // payload offset -> input offset (approximate for multi-frame messages)
        r.violations.push_back({e, m.close_code});
        assembler.reset();
      }
      if (m.close) r.close = m.close;
    }
    frames.push_back(std::move(r));
  }
  return frames;
}

void print_text(std::ostream& out, const std::vector<FrameReport>& frames, const FrameOptions& o) {
  const std::size_t limit = o.full ? SIZE_MAX : 64;
  for (std::size_t n = 0; n < frames.size(); ++n) {
    const FrameReport& r = frames[n];
    const auto& h = r.header;
    const std::size_t hl = r.header_complete ? h.header_len() : r.header_have;
    if (r.header_complete)
      fmt::print(out, "Frame {} at byte {}: {}-byte header + {}-byte payload (RFC 6455 5.2)\n", n + 1, r.offset, hl,
                 h.payload_len);
    else
      fmt::print(out, "Frame {} at byte {}: header incomplete ({} bytes so far)\n", n + 1, r.offset, r.header_have);
    if (r.header_have >= 1) {
      const std::uint8_t b0 = static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv1 ? 0x40 : 0) |
                                                        (h.rsv2 ? 0x20 : 0) | (h.rsv3 ? 0x10 : 0) |
                                                        static_cast<std::uint8_t>(h.opcode));
      fmt::print(out, "  byte 0      0x{:02x} = {}\n", b0, bits(b0));
      fmt::print(out, "    FIN       {}   {}\n", int{h.fin},
                 h.fin ? "final fragment: this frame ends its message" : "more fragments of this message follow");
      fmt::print(out, "    RSV1      {}   {}\n", int{h.rsv1},
                 h.rsv1 ? "set: only with a negotiated extension (permessage-deflate: compressed, RFC 7692)"
                        : "not set: no extension uses it");
      fmt::print(out, "    RSV2      {}\n    RSV3      {}\n", int{h.rsv2}, int{h.rsv3});
      fmt::print(out, "    opcode    0x{:x} {}: {}\n", static_cast<int>(h.opcode), wire::opcode_name(h.opcode),
                 opcode_meaning(h.opcode));
    }
    if (r.header_have >= 2) {
      const std::uint8_t len7 = wire::length_form(h) == wire::LengthForm::seven_bit ? static_cast<std::uint8_t>(h.payload_len)
                                : wire::length_form(h) == wire::LengthForm::sixteen_bit ? 126
                                                                                         : 127;
      const std::uint8_t b1 = static_cast<std::uint8_t>((h.masked ? 0x80 : 0) | len7);
      fmt::print(out, "  byte 1      0x{:02x} = {}\n", b1, bits(b1));
      fmt::print(out, "    MASK      {}   {}\n", int{h.masked},
                 h.masked ? "masked: a client-to-server frame, as every client frame must be (5.1, 5.3)"
                          : "not masked: a server-to-client frame, as every server frame must be (5.1)");
      fmt::print(out, "    Payload len {}: {}\n", len7,
                 r.header_complete ? length_why(h) : wire::length_form_name(wire::length_form(h)));
    }
    if (r.header_complete) {
      const std::size_t ext = hl - 2 - (h.masked ? 4 : 0);
      if (ext > 0) fmt::print(out, "  bytes 2-{}    extended payload length = {}\n", 1 + ext, h.payload_len);
      if (h.masked)
        fmt::print(out, "  bytes {}-{}    Masking-key {} (mask_key \"{}\")\n", hl - 4, hl - 1,
                   hex_spaced(h.masking_key), hex_compact(h.masking_key));
      const std::size_t have = r.payload.size();
      fmt::print(out, "  payload     {} of {} bytes present\n", have, h.payload_len);
      if (have > 0) {
        if (h.masked) {
          fmt::print(out, "    masked    {}\n", hex_spaced(r.payload_masked, limit));
          fmt::print(out, "    unmasked  {}   (byte i XOR masking_key[i % 4], 5.3)\n", hex_spaced(r.payload, limit));
        } else {
          fmt::print(out, "    bytes     {}\n", hex_spaced(r.payload, limit));
        }
        if (h.opcode != wire::Opcode::close && h.opcode != wire::Opcode::binary)
          fmt::print(out, "    as text   {}\n", quoted_text(r.payload, o.full ? SIZE_MAX : 256));
      }
      if (r.close) {
        if (r.close->code)
          fmt::print(out, "    close code {} (7.4.1), reason {}\n", wire::close_code_name(*r.close->code),
                     quoted_text(std::span<const std::uint8_t>(
                         reinterpret_cast<const std::uint8_t*>(r.close->reason.data()), r.close->reason.size())));
        else
          fmt::print(out, "    close with no status code (the receiver reports 1005 No Status Received)\n");
      }
    }
    for (const auto& note : r.notes) fmt::print(out, "  note: {}\n", note);
    for (const auto& v : r.violations)
      fmt::print(out, "  BREAKS {}: {} (byte {}; a receiver closes with {})\n", v.error.rule, v.error.reason,
                 v.error.offset, wire::close_code_name(v.close_code));
    if (r.need > 0)
      fmt::print(out, "  INCOMPLETE: the {} needs {} more byte{}\n", r.header_complete ? "payload" : "header",
                 r.need, r.need == 1 ? "" : "s");
  }
}

nlohmann::json to_json(const std::vector<FrameReport>& frames) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : frames) {
    const auto& h = r.header;
    nlohmann::json j = {{"offset", r.offset}, {"header_complete", r.header_complete}};
    if (r.header_have >= 1) {
      j["fin"] = h.fin;
      j["rsv1"] = h.rsv1;
      j["rsv2"] = h.rsv2;
      j["rsv3"] = h.rsv3;
      j["opcode"] = static_cast<int>(h.opcode);
      j["opcode_name"] = wire::opcode_name(h.opcode);
    }
    if (r.header_have >= 2) {
      j["masked"] = h.masked;
      j["length_form"] = wire::length_form_name(wire::length_form(h));
    }
    if (r.header_complete) {
      j["header_len"] = h.header_len();
      j["payload_len"] = h.payload_len;
      j["mask_key"] = h.masked ? nlohmann::json(hex_compact(h.masking_key)) : nlohmann::json(nullptr);
      j["payload_masked_hex"] = hex_compact(r.payload_masked);
      j["payload_hex"] = hex_compact(r.payload);
      if (wire::is_valid_utf8(r.payload)) j["text"] = std::string(r.payload.begin(), r.payload.end());
      if (r.close) {
        j["close_code"] = r.close->code ? nlohmann::json(*r.close->code) : nlohmann::json(nullptr);
        j["close_name"] = r.close->code ? nlohmann::json(wire::close_code_name(*r.close->code)) : nlohmann::json(nullptr);
        j["close_reason"] = r.close->reason;
      }
    }
    nlohmann::json vs = nlohmann::json::array();
    for (const auto& v : r.violations)
      vs.push_back({{"rule", v.error.rule}, {"reason", v.error.reason}, {"byte", v.error.offset},
                    {"close_code", v.close_code}});
    j["violations"] = vs;
    j["notes"] = r.notes;
    j["complete"] = r.need == 0 && !r.fatal;
    j["need"] = r.need;
    list.push_back(j);
  }
  return list;
}

}  // namespace

int run_frame(const FrameOptions& o, std::ostream& out, std::ostream& err) {
  std::string joined;
  for (const auto& part : o.hex) joined += part + " ";
  std::string error;
  const auto input = parse_hex(joined, &error);
  if (!input) {
    err << "wirelab-inspect frame: " << error << "\n";
    return kUsage;
  }
  if (input->empty()) {
    err << "wirelab-inspect frame: no bytes given (try: wirelab-inspect frame 818537fa213d7f9f4d5158)\n";
    return kUsage;
  }
  if (o.from != "auto" && o.from != "client" && o.from != "server") {
    err << "wirelab-inspect frame: --from must be client, server or auto\n";
    return kUsage;
  }
  const auto frames = decode_all(*input, o);
  bool broken = false, incomplete = false;
  for (const auto& r : frames) {
    broken = broken || !r.violations.empty();
    incomplete = incomplete || r.need > 0;
  }
  if (o.json) {
    out << nlohmann::json{{"bytes", input->size()}, {"frames", to_json(frames)}}.dump(2) << "\n";
  } else {
    print_text(out, frames, o);
  }
  return broken ? kBrokenRule : incomplete ? kIncomplete : kOk;
}

}  // namespace inspect
