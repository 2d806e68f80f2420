// WebSocket frame headers (RFC 6455 5.2): an incremental decoder that gives
// the same result whatever the chunking, the rule checks of 5.1-5.5, and the
// encoders for masked client frames and unmasked server frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "wire/events.h"
#include "wire/result.h"

namespace wire {

// RFC 6455 5.2, base framing protocol:
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// +-+-+-+-+-------+-+-------------+-------------------------------+
// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
// |N|V|V|V|       |S|             |   (if payload len==126/127)   |
// | |1|2|3|       |K|             |                               |
// +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
// |     Extended payload length continued, if payload len == 127  |
// + - - - - - - - - - - - - - - - +-------------------------------+
// |                               |Masking-key, if MASK set to 1  |
// +-------------------------------+-------------------------------+
// | Masking-key (continued)       |          Payload Data         |
// +-------------------------------- - - - - - - - - - - - - - - - +

// 5.2 / 11.8: every opcode, the reserved ones too.
enum class Opcode : std::uint8_t {
  continuation = 0x0, text = 0x1, binary = 0x2,
  reserved_3 = 0x3, reserved_4 = 0x4, reserved_5 = 0x5, reserved_6 = 0x6, reserved_7 = 0x7,
  close = 0x8, ping = 0x9, pong = 0xA,
  reserved_b = 0xB, reserved_c = 0xC, reserved_d = 0xD, reserved_e = 0xE, reserved_f = 0xF,
};
bool is_control(Opcode op);    // 5.5: opcodes with the high bit set
bool is_reserved(Opcode op);   // 5.2: 0x3-0x7 and 0xB-0xF
const char* opcode_name(Opcode op);   // "text", "close", "reserved (0x3)"

using MaskingKey = std::array<std::uint8_t, 4>;

// How the payload length was written (5.2): 0-125 in 7 bits, 126 + 16 bits, 127 + 64 bits.
enum class LengthForm : std::uint8_t { seven_bit, sixteen_bit, sixty_four_bit };
const char* length_form_name(LengthForm f);   // "7-bit", "16-bit (126)", "64-bit (127)"
LengthForm minimal_length_form(std::uint64_t payload_len);   // 5.2: the form a sender MUST use

struct FrameHeader {
  bool fin = true;               // final fragment of a message
  bool rsv1 = false;             // permessage-deflate's "compressed" bit (RFC 7692 6)
  bool rsv2 = false;
  bool rsv3 = false;
  Opcode opcode = Opcode::text;
  bool masked = false;           // 5.3: set on every client-to-server frame
  std::uint64_t payload_len = 0; // 7, 7+16 or 7+64 bits on the wire
  MaskingKey masking_key{};      // meaningful only when masked
  // The length form as seen on the wire when decoded; nullopt = the minimal
  // form for payload_len (what the encoders write unless told otherwise).
  std::optional<LengthForm> length_form_on_wire;
  std::size_t header_len() const;   // 2 to 14 bytes
  // Equal when every field is equal; masking keys count only when masked,
  // and length forms compare through length_form().
  friend bool operator==(const FrameHeader& a, const FrameHeader& b);
};

LengthForm length_form(const FrameHeader& h);   // from the header's own bytes as decoded, else minimal

// What the receiver is allowed to accept.
struct FrameRules {
  bool from_client = true;        // a server checks client frames (must be masked), and vice versa
  bool rsv1_negotiated = false;   // permessage-deflate negotiated (RFC 7692)
  // true: the decoder stops at the first broken rule (an endpoint failing the
  // connection). false: it stops only where the bytes cannot be framed at all
  // (5.2's 64-bit length with its top bit set) and the caller runs
  // check_header() on the decoded header itself (a tap that reports and goes on).
  bool stop_on_rule_break = true;
};

// Each way a header can break a rule, each with its own value.
enum class FrameError : std::uint8_t {
  length_msb_set,              // 5.2: the most significant bit of a 64-bit length MUST be 0
  non_minimal_length,          // 5.2: the minimal number of bytes MUST be used for the length
  reserved_opcode,             // 5.2: reserved opcodes MUST fail the connection
  rsv_without_extension,       // 5.2: RSV bits MUST be 0 unless an extension defines them
  control_too_long,            // 5.5: control frames MUST have a payload of 125 bytes or less
  control_fragmented,          // 5.5: control frames MUST NOT be fragmented
  client_frame_unmasked,       // 5.1: a server MUST close on an unmasked client frame
  server_frame_masked,         // 5.1: a client MUST close on a masked server frame
};
// The rule's RFC section and a sentence a student can act on.
Error frame_error(FrameError e, std::size_t offset);
std::uint16_t close_code_for(FrameError e);   // one table maps errors to close codes (1002)

// Checks a whole header against the rules; the first rule broken, if any, in
// the order of the header's bytes (byte 0's rules first). length_msb_set is
// reported whatever rules.stop_on_rule_break says.
std::optional<FrameError> check_header(const FrameHeader& h, const FrameRules& rules);
// The header byte (0-13) that holds the broken rule's field: 0 for
// fin/rsv/opcode, 1 for mask/length, 2 for the extended length.
std::size_t error_byte(FrameError e);

// Incremental header decoder: feed bytes in any chunking; it consumes only the
// header's bytes and reports how many more it needs at least.
class FrameHeaderDecoder {
 public:
  enum class Status : std::uint8_t { need_more, done, error };
  struct Step {
    Status status = Status::need_more;
    std::size_t consumed = 0;    // bytes of this feed that belong to the header
    std::size_t need = 2;        // need_more: exactly this many more header bytes once byte 1 is known
    FrameHeader header;          // done; on error, the fields read so far
    std::optional<FrameError> error;
    std::size_t error_at = 0;    // error: offset of the offending byte within the header
  };

  explicit FrameHeaderDecoder(FrameRules rules = {});
  // Rules are checked as soon as the byte holding their field is read, so the
  // result (status, consumed total, error, error_at) is the same for every
  // chunking. After done or error, feed() consumes nothing until reset().
  Step feed(std::span<const std::uint8_t> bytes);
  void reset();   // ready for the next frame (same rules)
  void set_rules(const FrameRules& rules) { rules_ = rules; }   // e.g. after a 101 negotiated deflate
  const FrameRules& rules() const { return rules_; }
  // The header bytes read so far (all of them once done): exactly as on the wire.
  std::span<const std::uint8_t> header_bytes() const { return {bytes_.data(), have_}; }

 private:
  enum class State : std::uint8_t { first_byte, second_byte, extended_length, masking_key, done, failed };
  Step result(Status status) const;
  FrameRules rules_;
  State state_ = State::first_byte;
  FrameHeader header_;
  std::array<std::uint8_t, 14> bytes_{};
  std::size_t have_ = 0;         // header bytes read so far
  std::size_t want_ = 2;         // header bytes known so far to be needed
  std::optional<FrameError> error_;
};

// Writes the header's bytes (2 to 14) into out and returns how many.
std::size_t encode_header(const FrameHeader& h, std::span<std::uint8_t, 14> out);
// Header + payload; the payload is masked with h.masking_key when h.masked.
// The header's payload_len is taken from payload.size().
Bytes encode_frame(const FrameHeader& h, std::span<const std::uint8_t> payload);
// 5.3: client frames are masked with a fresh key each.
Bytes encode_client_frame(Opcode op, std::span<const std::uint8_t> payload, const MaskingKey& key, bool fin = true);
// 5.1: server frames are never masked.
Bytes encode_server_frame(Opcode op, std::span<const std::uint8_t> payload, bool fin = true);

}  // namespace wire
