// Lab 4 reference solution, part 1: UTF-8 across pieces, close codes, and a Session that turns frames
// into messages and answers control frames.
#include "message.h"

namespace ws {

bool Utf8Validator::feed(std::span<const std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) {
    if (needed_ == 0) {
      lower_ = 0x80;
      upper_ = 0xBF;
      // RFC 3629 4: the first byte says how many continuation bytes follow
      if (b <= 0x7F) continue;
      if (b >= 0xC2 && b <= 0xDF) needed_ = 1;
      else if (b == 0xE0) needed_ = 2, lower_ = 0xA0;           // no overlong 3-byte forms
      else if (b == 0xED) needed_ = 2, upper_ = 0x9F;           // no surrogates U+D800-DFFF
      else if (b >= 0xE1 && b <= 0xEF) needed_ = 2;
      else if (b == 0xF0) needed_ = 3, lower_ = 0x90;           // no overlong 4-byte forms
      else if (b == 0xF4) needed_ = 3, upper_ = 0x8F;           // nothing above U+10FFFF
      else if (b >= 0xF1 && b <= 0xF3) needed_ = 3;
      else return false;  // 0x80-0xC1 and 0xF5-0xFF never start a character
    } else {
      if (b < lower_ || b > upper_) return false;
      lower_ = 0x80;
      upper_ = 0xBF;
      --needed_;
    }
  }
  return true;
}

bool is_valid_close_code(std::uint16_t code) {
  // 7.4.1: 1004 is reserved, 1005 and 1006 must not be sent, 1015 neither; 7.4.2: 3000-4999 are for
  // libraries and applications; the rest of 0-2999 is undefined.
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011) || (code >= 3000 && code <= 4999);
}

std::vector<std::uint8_t> close_frame(std::uint16_t code, std::string_view reason) {
  std::vector<std::uint8_t> body;
  if (code != 0) {
    body.push_back(static_cast<std::uint8_t>(code >> 8));
    body.push_back(static_cast<std::uint8_t>(code & 0xff));
    body.insert(body.end(), reason.begin(), reason.end());
  }
  return encode_frame(Role::server, Opcode::close, body);
}

Reaction Session::on_frame(const Frame& frame) {
  Reaction r;
  if (closed_) return r;
  auto fail = [&](std::uint16_t code) {
    closed_ = true;
    r.reply = close_frame(code);
    r.close_connection = true;
    return r;
  };
  const FrameHeader& h = frame.header;
  const std::vector<std::uint8_t>& p = frame.payload;

  switch (h.opcode) {
    case Opcode::ping:  // 5.5.3: a pong carries the ping's application data
      r.reply = encode_frame(Role::server, Opcode::pong, p);
      return r;
    case Opcode::pong:  // 5.5.3: an unsolicited pong needs no answer
      return r;
    case Opcode::close: {
      if (p.empty()) {
        closed_ = true;
        r.reply = close_frame(0);
        r.close_connection = true;
        return r;
      }
      if (p.size() == 1) return fail(1002);  // 5.5.1: a body starts with a 2-byte code
      auto code = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
      if (!is_valid_close_code(code)) return fail(1002);  // 7.4.1: not a code that may be sent
      Utf8Validator reason;
      if (!reason.feed(std::span(p).subspan(2)) || !reason.complete()) return fail(1007);  // 5.5.1: UTF-8 reason
      return fail(code);  // 5.5.1: echo the code, then close
    }
    case Opcode::continuation:
      if (!in_message_) return fail(1002);  // 5.4: nothing to continue
      break;
    case Opcode::text:
    case Opcode::binary:
      if (in_message_) return fail(1002);  // 5.4: the previous message has not ended
      in_message_ = true;
      message_ = Message{h.opcode, {}};
      utf8_ = Utf8Validator{};
      break;
    default:
      return fail(1002);  // 5.2: reserved opcode (your FrameReader already refuses it)
  }

  if (message_.payload.size() + p.size() > max_message_len_) return fail(1009);  // 7.4.1: too big
  message_.payload.insert(message_.payload.end(), p.begin(), p.end());
  // 8.1: fail as soon as the text cannot be UTF-8, across fragments
  if (message_.opcode == Opcode::text && !utf8_.feed(p)) return fail(1007);
  if (h.fin) {
    if (message_.opcode == Opcode::text && !utf8_.complete()) return fail(1007);
    r.message = std::move(message_);
    message_ = Message{};
    in_message_ = false;
  }
  return r;
}

}  // namespace ws
