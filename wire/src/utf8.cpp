// UTF-8 validation by the table of RFC 3629 section 4 (the same ranges as
// Unicode's "well-formed byte sequences" table):
//
//   UTF8-1 = 00-7F
//   UTF8-2 = C2-DF UTF8-tail
//   UTF8-3 = E0 A0-BF UTF8-tail / E1-EC 2( UTF8-tail ) /
//            ED 80-9F UTF8-tail / EE-EF 2( UTF8-tail )
//   UTF8-4 = F0 90-BF 2( UTF8-tail ) / F1-F3 3( UTF8-tail ) /
//            F4 80-8F 2( UTF8-tail )
//   UTF8-tail = 80-BF
//
// The restricted second-byte ranges are what reject overlong forms (E0 80-9F,
// F0 80-8F), surrogates (ED A0-BF) and code points over U+10FFFF (F4 90-BF);
// C0, C1 and F5-FF never start a valid sequence.
#include "wire/utf8.h"

#include <cstring>

namespace wire {

Utf8Check Utf8Validator::feed(std::string_view text) {
  return feed(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Utf8Check Utf8Validator::feed(std::span<const std::uint8_t> bytes) {
  if (failed_) return {false, fail_at_};
  const std::size_t base = fed_;
  std::size_t i = 0;
  auto fail = [&](std::size_t at) {
    failed_ = true;
    fail_at_ = at;
    fed_ = base + bytes.size();
    return Utf8Check{false, at};
  };
  while (i < bytes.size()) {
    if (remaining_ == 0) {
      // ASCII fast path: 8 bytes at a time while none has the high bit set.
      while (i + 8 <= bytes.size()) {
        std::uint64_t w;
        std::memcpy(&w, bytes.data() + i, 8);
        if ((w & 0x8080808080808080ULL) != 0) break;
        i += 8;
      }
      if (i >= bytes.size()) break;
      const std::uint8_t b = bytes[i];
      if (b < 0x80) {
        ++i;
        continue;
      }
      seq_start_ = base + i;
      lo_ = 0x80;
      hi_ = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        remaining_ = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        remaining_ = 2;
        if (b == 0xE0) lo_ = 0xA0;        // below: overlong 3-byte forms
        else if (b == 0xED) hi_ = 0x9F;   // above: UTF-16 surrogates U+D800-DFFF
      } else if (b >= 0xF0 && b <= 0xF4) {
        remaining_ = 3;
        if (b == 0xF0) lo_ = 0x90;        // below: overlong 4-byte forms
        else if (b == 0xF4) hi_ = 0x8F;   // above: beyond U+10FFFF
      } else {
        // 80-BF: a continuation byte with no lead; C0-C1: overlong 2-byte
        // forms; F5-FF: beyond U+10FFFF or never used.
        return fail(base + i);
      }
      ++i;
    } else {
      const std::uint8_t b = bytes[i];
      if (b < lo_ || b > hi_) return fail(base + i);
      lo_ = 0x80;
      hi_ = 0xBF;
      --remaining_;
      ++i;
    }
  }
  fed_ = base + bytes.size();
  return {true, 0};
}

Utf8Check Utf8Validator::finish() {
  if (failed_) return {false, fail_at_};
  if (remaining_ != 0) {
    // 8.1: a sequence cut off at the end of the message is invalid.
    failed_ = true;
    fail_at_ = seq_start_;
    return {false, fail_at_};
  }
  reset();
  return {true, 0};
}

void Utf8Validator::reset() { *this = Utf8Validator{}; }

bool is_valid_utf8(std::span<const std::uint8_t> bytes) {
  Utf8Validator v;
  return v.feed(bytes).ok && v.finish().ok;
}

bool is_valid_utf8(std::string_view text) {
  Utf8Validator v;
  return v.feed(text).ok && v.finish().ok;
}

}  // namespace wire
