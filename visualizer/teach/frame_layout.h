// Frame anatomy (RFC 6455 5.2) as data for the Frame scene: every field of a
// decoded header with its bit range in the header bytes, the bytes it covers,
// its actual bits and its decoded value, plus the RFC section to cite. The
// values come from wire::FrameHeader (wire decoded the frame); the bits are
// read back from the exact header bytes so the diagram shows what was sent.
// Pure: no ImGui, no model; tested in tests/visualizer/teach_frame_layout_test.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wire/frame.h"

namespace viz::teach {

enum class FieldId : std::uint8_t {
  fin, rsv1, rsv2, rsv3, opcode, mask, payload_len, extended_len_16, extended_len_64, masking_key, payload,
};

// One field of 5.2's diagram. Bits count from the first header byte's most
// significant bit (bit 0), as the RFC's diagram numbers them.
struct FrameField {
  FieldId id = FieldId::fin;
  const char* name = "";        // "FIN", "RSV1", "opcode", "MASK", "Payload len", ...
  std::size_t bit_begin = 0;    // first bit, 0 = MSB of byte 0
  std::size_t bit_count = 0;    // 1, 4, 7, 16, 32, 64; payload: 8 * bytes
  std::string bits;             // the field's actual bits as '0'/'1' (empty for the payload)
  std::uint64_t raw = 0;        // the bits as a number (0 for the payload)
  std::string value;            // decoded, for people: "1 (final fragment)", "0x1 text", "37 fa 21 3d"
  const char* rfc = "";         // "RFC 6455 5.2"
  const char* help = "";        // one or two sentences for the help marker

  std::size_t first_byte() const { return bit_begin / 8; }
  std::size_t end_byte() const { return (bit_begin + bit_count + 7) / 8; }   // one past the last byte
  bool covers_byte(std::size_t i) const { return bit_count > 0 && i >= first_byte() && i < end_byte(); }
};

// The fields of a frame whose header bytes are `header` (2-14 bytes as on the
// wire) and whose decoded header is `h`, in wire order, then the payload
// (header.size() .. header.size() + payload_len). A header shorter than
// h.header_len() gives only the fields it fully holds.
std::vector<FrameField> frame_layout(const wire::FrameHeader& h, std::span<const std::uint8_t> header);

// Reads bit_count (<= 64) bits starting at bit_begin (MSB first); bits past the end read as 0.
std::uint64_t read_bits(std::span<const std::uint8_t> bytes, std::size_t bit_begin, std::size_t bit_count);

// Bytes as spaced lowercase hex, "37 fa 21 3d" (the masking key, the accept's SHA-1).
std::string hex_bytes(std::span<const std::uint8_t> bytes);

}  // namespace viz::teach
