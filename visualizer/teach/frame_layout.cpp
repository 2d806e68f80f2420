// Frame anatomy: 5.2's fields with their bit ranges, bits and decoded values.
#include "teach/frame_layout.h"

#include <algorithm>
#include <cstdio>

namespace viz::teach {

std::uint64_t read_bits(std::span<const std::uint8_t> bytes, std::size_t bit_begin, std::size_t bit_count) {
  std::uint64_t v = 0;
  for (std::size_t b = bit_begin; b < bit_begin + bit_count && bit_count <= 64; ++b) {
    const std::size_t byte = b / 8;
    const unsigned bit = 7U - static_cast<unsigned>(b % 8);
    const std::uint64_t one = byte < bytes.size() ? ((bytes[byte] >> bit) & 1U) : 0U;
    v = (v << 1) | one;
  }
  return v;
}

namespace {

std::string bit_string(std::span<const std::uint8_t> bytes, std::size_t bit_begin, std::size_t bit_count) {
  std::string s;
  s.reserve(bit_count);
  for (std::size_t b = bit_begin; b < bit_begin + bit_count; ++b) {
    s.push_back(read_bits(bytes, b, 1) != 0 ? '1' : '0');
  }
  return s;
}

// Appends one field if the header holds all of its bits.
void add(std::vector<FrameField>& out, std::span<const std::uint8_t> header, FieldId id, const char* name,
         std::size_t bit_begin, std::size_t bit_count, std::string value, const char* rfc, const char* help) {
  if (bit_begin + bit_count > header.size() * 8) return;
  FrameField f;
  f.id = id;
  f.name = name;
  f.bit_begin = bit_begin;
  f.bit_count = bit_count;
  f.bits = bit_string(header, bit_begin, bit_count);
  f.raw = bit_count <= 64 ? read_bits(header, bit_begin, bit_count) : 0;
  f.value = std::move(value);
  f.rfc = rfc;
  f.help = help;
  out.push_back(std::move(f));
}

const char* flag(bool b) { return b ? "1" : "0"; }

}  // namespace

std::string hex_bytes(std::span<const std::uint8_t> bytes) {
  std::string s;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, i == 0 ? "%02x" : " %02x", static_cast<unsigned>(bytes[i]));
    s += buf;
  }
  return s;
}


std::vector<FrameField> frame_layout(const wire::FrameHeader& h, std::span<const std::uint8_t> header) {
  std::vector<FrameField> out;
  out.reserve(11);
  add(out, header, FieldId::fin, "FIN", 0, 1,
      std::string(flag(h.fin)) + (h.fin ? " (final fragment)" : " (more fragments follow)"), "RFC 6455 5.2",
      "1 when this frame is the last fragment of a message. Control frames always have FIN = 1 (5.5).");
  add(out, header, FieldId::rsv1, "RSV1", 1, 1,
      std::string(flag(h.rsv1)) + (h.rsv1 ? " (compressed: permessage-deflate)" : ""), "RFC 6455 5.2, RFC 7692 6",
      "Reserved: must be 0 unless an extension defines it. permessage-deflate (RFC 7692) sets RSV1 on the "
      "first frame of a compressed message.");
  add(out, header, FieldId::rsv2, "RSV2", 2, 1, flag(h.rsv2), "RFC 6455 5.2",
      "Reserved: must be 0 unless a negotiated extension defines it; otherwise the receiver fails the "
      "connection.");
  add(out, header, FieldId::rsv3, "RSV3", 3, 1, flag(h.rsv3), "RFC 6455 5.2",
      "Reserved: must be 0 unless a negotiated extension defines it; otherwise the receiver fails the "
      "connection.");
  {
    char buf[64];
    std::snprintf(buf, sizeof buf, "0x%X %s", static_cast<unsigned>(h.opcode), wire::opcode_name(h.opcode));
    add(out, header, FieldId::opcode, "opcode", 4, 4, buf, "RFC 6455 5.2, 11.8",
        "What the payload is: 0x0 continuation, 0x1 text (UTF-8), 0x2 binary, 0x8 close, 0x9 ping, 0xA pong. "
        "0x3-0x7 and 0xB-0xF are reserved.");
  }
  add(out, header, FieldId::mask, "MASK", 8, 1,
      std::string(flag(h.masked)) + (h.masked ? " (masked: client to server)" : " (not masked)"),
      "RFC 6455 5.2, 5.3",
      "1 when a masking key follows. Every client-to-server frame MUST be masked; server frames MUST NOT be "
      "(5.1).");
  const wire::LengthForm form = wire::length_form(h);
  std::size_t next_bit = 16;
  {
    std::string v;
    const std::uint64_t seven = read_bits(header, 9, 7);
    if (form == wire::LengthForm::seven_bit) {
      v = std::to_string(h.payload_len) + " bytes";
    } else {
      v = std::to_string(seven) + (seven == 126 ? ": a 16-bit length follows" : ": a 64-bit length follows");
    }
    add(out, header, FieldId::payload_len, "Payload len", 9, 7, std::move(v), "RFC 6455 5.2",
        "0-125: the payload length itself. 126: the next 2 bytes hold it. 127: the next 8 bytes hold it. "
        "The minimal form MUST be used.");
  }
  if (form == wire::LengthForm::sixteen_bit) {
    add(out, header, FieldId::extended_len_16, "Extended payload length (16)", 16, 16,
        std::to_string(h.payload_len) + " bytes", "RFC 6455 5.2",
        "Used when Payload len is 126: the length as a 16-bit unsigned integer in network byte order "
        "(126-65535).");
    next_bit += 16;
  } else if (form == wire::LengthForm::sixty_four_bit) {
    add(out, header, FieldId::extended_len_64, "Extended payload length (64)", 16, 64,
        std::to_string(h.payload_len) + " bytes", "RFC 6455 5.2",
        "Used when Payload len is 127: the length as a 64-bit unsigned integer in network byte order; its "
        "most significant bit MUST be 0.");
    next_bit += 64;
  }
  if (h.masked) {
    add(out, header, FieldId::masking_key, "Masking-key", next_bit, 32, hex_bytes(h.masking_key),
        "RFC 6455 5.3",
        "4 bytes chosen by the client, fresh and unpredictable for every frame. Payload byte i is XORed with "
        "key byte i mod 4.");
    next_bit += 32;
  }
  if (next_bit <= header.size() * 8) {
    FrameField p;
    p.id = FieldId::payload;
    p.name = "Payload Data";
    p.bit_begin = next_bit;
    // Capped so that 8 * length cannot overflow (a 64-bit length may be up to 2^63 - 1).
    p.bit_count = static_cast<std::size_t>(std::min<std::uint64_t>(h.payload_len, std::uint64_t{1} << 56)) * 8;
    p.value = std::to_string(h.payload_len) + (h.masked ? " bytes, masked" : " bytes");
    p.rfc = "RFC 6455 5.2";
    p.help = "Extension data (if an extension was negotiated) followed by application data. A text payload "
             "is UTF-8 (8.1).";
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace viz::teach
