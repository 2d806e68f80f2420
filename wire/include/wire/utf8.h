// UTF-8 validation (RFC 3629 section 4; RFC 6455 8.1: text messages MUST be
// valid UTF-8, and a receiver MUST fail the connection with 1007 otherwise).
// Incremental: a message can be fed in any pieces (frames, reads) and the
// verdict is the same as for the whole message at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace wire {

struct Utf8Check {
  bool ok = true;
  std::size_t offset = 0;   // !ok: offset, from the first byte fed, of the first byte that cannot be valid
  explicit operator bool() const { return ok; }
};

class Utf8Validator {
 public:
  // Checks the next piece. Rejects overlong forms (C0, C1, E0 80-9F, F0 80-8F),
  // surrogates (ED A0-BF), code points over U+10FFFF (F4 90+, F5-FF) and stray
  // continuation bytes as soon as the offending byte is seen. Once invalid it
  // stays invalid until reset().
  Utf8Check feed(std::span<const std::uint8_t> bytes);
  Utf8Check feed(std::string_view text);
  // End of the message: a sequence cut off at the end is invalid, at the
  // offset of its first byte. Resets for the next message when ok.
  Utf8Check finish();
  void reset();

  bool in_sequence() const { return remaining_ != 0; }   // between bytes of one code point
  std::size_t fed() const { return fed_; }                // bytes fed since reset

 private:
  std::size_t fed_ = 0;
  std::size_t seq_start_ = 0;   // offset of the first byte of the current sequence
  std::uint8_t remaining_ = 0;  // continuation bytes still expected
  std::uint8_t lo_ = 0x80;      // range allowed for the next continuation byte
  std::uint8_t hi_ = 0xBF;
  bool failed_ = false;
  std::size_t fail_at_ = 0;
};

// A whole string at once (feed + finish).
bool is_valid_utf8(std::span<const std::uint8_t> bytes);
bool is_valid_utf8(std::string_view text);

}  // namespace wire
