// Frame headers (RFC 6455 5.2): names, rule checks, the incremental decoder
// and the encoders. The decoder keeps a copy of the header bytes it has read
// (at most 14), so it never looks outside the caller's span and gives the same
// result whatever the chunking.
#include "wire/frame.h"

#include <algorithm>
#include <cstring>

#include "wire/mask.h"

namespace wire {

bool is_control(Opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

bool is_reserved(Opcode op) {
  const auto v = static_cast<std::uint8_t>(op);
  return (v >= 0x3 && v <= 0x7) || v >= 0xB;
}

const char* opcode_name(Opcode op) {
  switch (op) {
    case Opcode::continuation: return "continuation";
    case Opcode::text: return "text";
    case Opcode::binary: return "binary";
    case Opcode::close: return "close";
    case Opcode::ping: return "ping";
    case Opcode::pong: return "pong";
    case Opcode::reserved_3: return "reserved (0x3)";
    case Opcode::reserved_4: return "reserved (0x4)";
    case Opcode::reserved_5: return "reserved (0x5)";
    case Opcode::reserved_6: return "reserved (0x6)";
    case Opcode::reserved_7: return "reserved (0x7)";
    case Opcode::reserved_b: return "reserved (0xB)";
    case Opcode::reserved_c: return "reserved (0xC)";
    case Opcode::reserved_d: return "reserved (0xD)";
    case Opcode::reserved_e: return "reserved (0xE)";
    case Opcode::reserved_f: return "reserved (0xF)";
  }
  return "invalid opcode";
}

const char* length_form_name(LengthForm f) {
  switch (f) {
    case LengthForm::seven_bit: return "7-bit";
    case LengthForm::sixteen_bit: return "16-bit (126)";
    case LengthForm::sixty_four_bit: return "64-bit (127)";
  }
  return "?";
}

// 5.2: 0-125 fit in the 7 bits; 126-65535 use 126 + 16 bits; larger use 127 + 64 bits.
LengthForm minimal_length_form(std::uint64_t payload_len) {
  if (payload_len <= 125) return LengthForm::seven_bit;
  if (payload_len <= 0xFFFF) return LengthForm::sixteen_bit;
  return LengthForm::sixty_four_bit;
}

LengthForm length_form(const FrameHeader& h) {
  return h.length_form_on_wire ? *h.length_form_on_wire : minimal_length_form(h.payload_len);
}

namespace {
std::size_t extended_len_bytes(LengthForm f) {
  switch (f) {
    case LengthForm::seven_bit: return 0;
    case LengthForm::sixteen_bit: return 2;
    case LengthForm::sixty_four_bit: return 8;
  }
  return 0;
}
}  // namespace

std::size_t FrameHeader::header_len() const {
  return 2 + extended_len_bytes(length_form(*this)) + (masked ? 4 : 0);
}

bool operator==(const FrameHeader& a, const FrameHeader& b) {
  return a.fin == b.fin && a.rsv1 == b.rsv1 && a.rsv2 == b.rsv2 && a.rsv3 == b.rsv3 && a.opcode == b.opcode &&
         a.masked == b.masked && a.payload_len == b.payload_len && length_form(a) == length_form(b) &&
         (!a.masked || a.masking_key == b.masking_key);
}

Error frame_error(FrameError e, std::size_t offset) {
  switch (e) {
    case FrameError::length_msb_set:
      return {"RFC 6455 5.2", "the most significant bit of a 64-bit payload length must be 0", offset};
    case FrameError::non_minimal_length:
      return {"RFC 6455 5.2", "the payload length must use the minimal number of bytes (0-125 in 7 bits, "
                              "126-65535 in 16 bits)", offset};
    case FrameError::reserved_opcode:
      return {"RFC 6455 5.2", "opcodes 0x3-0x7 and 0xB-0xF are reserved; the receiver must fail the connection",
              offset};
    case FrameError::rsv_without_extension:
      return {"RFC 6455 5.2", "RSV1-3 must be 0 unless a negotiated extension defines them", offset};
    case FrameError::control_too_long:
      return {"RFC 6455 5.5", "control frames (close, ping, pong) must have a payload of 125 bytes or less",
              offset};
    case FrameError::control_fragmented:
      return {"RFC 6455 5.5", "control frames (close, ping, pong) must not be fragmented: FIN must be 1", offset};
    case FrameError::client_frame_unmasked:
      return {"RFC 6455 5.1", "client frames must be masked; a server must close the connection (1002)", offset};
    case FrameError::server_frame_masked:
      return {"RFC 6455 5.1", "server frames must not be masked; a client must close the connection (1002)",
              offset};
  }
  return {"RFC 6455", "unknown frame error", offset};
}

// 7.4.1: every framing rule broken is a protocol error, 1002.
std::uint16_t close_code_for(FrameError e) {
  switch (e) {
    case FrameError::length_msb_set:
    case FrameError::non_minimal_length:
    case FrameError::reserved_opcode:
    case FrameError::rsv_without_extension:
    case FrameError::control_too_long:
    case FrameError::control_fragmented:
    case FrameError::client_frame_unmasked:
    case FrameError::server_frame_masked:
      return 1002;
  }
  return 1002;
}

std::size_t error_byte(FrameError e) {
  switch (e) {
    case FrameError::reserved_opcode:
    case FrameError::rsv_without_extension:
    case FrameError::control_fragmented:
      return 0;
    case FrameError::control_too_long:
    case FrameError::client_frame_unmasked:
    case FrameError::server_frame_masked:
      return 1;
    case FrameError::length_msb_set:
    case FrameError::non_minimal_length:
      return 2;
  }
  return 0;
}

namespace {

// The rules whose fields live in byte 0 (FIN, RSV1-3, opcode).
std::optional<FrameError> check_byte0(const FrameHeader& h, const FrameRules& rules) {
  // 5.2: RSV1-3 MUST be 0 unless an extension is negotiated that defines them
  // (RFC 7692 6: permessage-deflate defines RSV1).
  if ((h.rsv1 && !rules.rsv1_negotiated) || h.rsv2 || h.rsv3) return FrameError::rsv_without_extension;
  // 5.2: a reserved opcode MUST fail the connection.
  if (is_reserved(h.opcode)) return FrameError::reserved_opcode;
  // 5.5: control frames MUST NOT be fragmented.
  if (is_control(h.opcode) && !h.fin) return FrameError::control_fragmented;
  return std::nullopt;
}

// The rules whose fields live in byte 1 (MASK, 7-bit length).
std::optional<FrameError> check_byte1(const FrameHeader& h, std::uint64_t len7_or_full, const FrameRules& rules) {
  // 5.1: a server MUST close on an unmasked client frame ...
  if (rules.from_client && !h.masked) return FrameError::client_frame_unmasked;
  // ... and a client MUST close on a masked server frame.
  if (!rules.from_client && h.masked) return FrameError::server_frame_masked;
  // 5.5: control frames MUST have a payload length of 125 bytes or less.
  if (is_control(h.opcode) && len7_or_full > 125) return FrameError::control_too_long;
  return std::nullopt;
}

}  // namespace

std::optional<FrameError> check_header(const FrameHeader& h, const FrameRules& rules) {
  if (auto e = check_byte0(h, rules)) return e;
  if (auto e = check_byte1(h, h.payload_len, rules)) return e;
  // 5.2: the most significant bit of a 64-bit length MUST be 0.
  if (h.payload_len >> 63) return FrameError::length_msb_set;
  // 5.2: the minimal number of bytes MUST be used to encode the length.
  if (length_form(h) != minimal_length_form(h.payload_len)) return FrameError::non_minimal_length;
  return std::nullopt;
}

// ---- FrameHeaderDecoder -------------------------------------------------------

FrameHeaderDecoder::FrameHeaderDecoder(FrameRules rules) : rules_(rules) {}

void FrameHeaderDecoder::reset() {
  state_ = State::first_byte;
  header_ = FrameHeader{};
  have_ = 0;
  want_ = 2;
  error_.reset();
}

FrameHeaderDecoder::Step FrameHeaderDecoder::result(Status status) const {
  Step s;
  s.status = status;
  s.need = status == Status::need_more ? want_ - have_ : 0;
  s.header = header_;
  s.error = error_;
  if (error_) s.error_at = error_byte(*error_);
  return s;
}

FrameHeaderDecoder::Step FrameHeaderDecoder::feed(std::span<const std::uint8_t> bytes) {
  std::size_t consumed = 0;
  auto fail = [&](FrameError e) {
    error_ = e;
    state_ = State::failed;
    Step s = result(Status::error);
    s.consumed = consumed;
    return s;
  };
  while (state_ != State::done && state_ != State::failed && consumed < bytes.size()) {
    const std::uint8_t b = bytes[consumed++];
    bytes_[have_++] = b;
    switch (state_) {
      case State::first_byte: {
        header_.fin = (b & 0x80) != 0;
        header_.rsv1 = (b & 0x40) != 0;
        header_.rsv2 = (b & 0x20) != 0;
        header_.rsv3 = (b & 0x10) != 0;
        header_.opcode = static_cast<Opcode>(b & 0x0F);
        if (rules_.stop_on_rule_break) {
          if (auto e = check_byte0(header_, rules_)) return fail(*e);
        }
        state_ = State::second_byte;
        break;
      }
      case State::second_byte: {
        header_.masked = (b & 0x80) != 0;
        const std::uint8_t len7 = b & 0x7F;
        LengthForm form = LengthForm::seven_bit;
        if (len7 == 126) form = LengthForm::sixteen_bit;
        else if (len7 == 127) form = LengthForm::sixty_four_bit;
        header_.length_form_on_wire = form;
        header_.payload_len = form == LengthForm::seven_bit ? len7 : 0;
        if (rules_.stop_on_rule_break) {
          if (auto e = check_byte1(header_, len7, rules_)) return fail(*e);
        }
        want_ = 2 + extended_len_bytes(form) + (header_.masked ? 4 : 0);
        state_ = form != LengthForm::seven_bit ? State::extended_length
                 : header_.masked               ? State::masking_key
                                                : State::done;
        break;
      }
      case State::extended_length: {
        // 5.2: the extended length is in network byte order.
        header_.payload_len = (header_.payload_len << 8) | b;
        // 5.2: the most significant bit of a 64-bit length MUST be 0; the
        // length is then meaningless, so this stops the decoder whatever the rules.
        if (have_ == 3 && header_.length_form_on_wire == LengthForm::sixty_four_bit && (b & 0x80) != 0)
          return fail(FrameError::length_msb_set);
        const std::size_t ext_end = 2 + extended_len_bytes(*header_.length_form_on_wire);
        if (have_ == ext_end) {
          // 5.2: the minimal number of bytes MUST be used to encode the length.
          if (rules_.stop_on_rule_break && minimal_length_form(header_.payload_len) != *header_.length_form_on_wire)
            return fail(FrameError::non_minimal_length);
          state_ = header_.masked ? State::masking_key : State::done;
        }
        break;
      }
      case State::masking_key: {
        const std::size_t key_start = want_ - 4;
        header_.masking_key[have_ - 1 - key_start] = b;
        if (have_ == want_) state_ = State::done;
        break;
      }
      case State::done:
      case State::failed:
        break;
    }
  }
  Step s = result(state_ == State::done     ? Status::done
                  : state_ == State::failed ? Status::error
                                            : Status::need_more);
  s.consumed = consumed;
  return s;
}

// ---- encoders ---------------------------------------------------------------

std::size_t encode_header(const FrameHeader& h, std::span<std::uint8_t, 14> out) {
  std::size_t n = 0;
  out[n++] = static_cast<std::uint8_t>((h.fin ? 0x80 : 0) | (h.rsv1 ? 0x40 : 0) | (h.rsv2 ? 0x20 : 0) |
                                       (h.rsv3 ? 0x10 : 0) | (static_cast<std::uint8_t>(h.opcode) & 0x0F));
  const std::uint8_t mask_bit = h.masked ? 0x80 : 0;
  switch (length_form(h)) {
    case LengthForm::seven_bit:
      out[n++] = static_cast<std::uint8_t>(mask_bit | (h.payload_len & 0x7F));
      break;
    case LengthForm::sixteen_bit:
      out[n++] = static_cast<std::uint8_t>(mask_bit | 126);
      for (int shift = 8; shift >= 0; shift -= 8) out[n++] = static_cast<std::uint8_t>(h.payload_len >> shift);
      break;
    case LengthForm::sixty_four_bit:
      out[n++] = static_cast<std::uint8_t>(mask_bit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) out[n++] = static_cast<std::uint8_t>(h.payload_len >> shift);
      break;
  }
  if (h.masked) {
    for (std::uint8_t k : h.masking_key) out[n++] = k;
  }
  return n;
}

Bytes encode_frame(const FrameHeader& h, std::span<const std::uint8_t> payload) {
  FrameHeader hh = h;
  hh.payload_len = payload.size();
  std::array<std::uint8_t, 14> head{};
  const std::size_t n = encode_header(hh, head);
  Bytes out;
  out.reserve(n + payload.size());
  out.insert(out.end(), head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
  out.insert(out.end(), payload.begin(), payload.end());
  // 5.3: the payload is masked with the key, starting at key byte 0.
  if (hh.masked) apply_mask(std::span<std::uint8_t>(out).subspan(n), hh.masking_key, 0);
  return out;
}

Bytes encode_client_frame(Opcode op, std::span<const std::uint8_t> payload, const MaskingKey& key, bool fin) {
  FrameHeader h;
  h.fin = fin;
  h.opcode = op;
  h.masked = true;
  h.masking_key = key;
  return encode_frame(h, payload);
}

Bytes encode_server_frame(Opcode op, std::span<const std::uint8_t> payload, bool fin) {
  FrameHeader h;
  h.fin = fin;
  h.opcode = op;
  h.masked = false;
  return encode_frame(h, payload);
}

}  // namespace wire
