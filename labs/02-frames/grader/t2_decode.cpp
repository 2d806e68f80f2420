// Lab 2 grader, task 3: decode_frame_header, whole and from every prefix.
#include "support.h"

using lab2::Bytes;
using ws::DecodeStatus;
using ws::Opcode;

namespace {

// Decodes the header in `bytes` (payload bytes may follow) and checks it is `want`.
void expect_header(const Bytes& bytes, const ws::FrameHeader& want, std::size_t header_len) {
  auto r = lab2::decode(bytes);
  GRADE_ASSERT_EQ("status", DecodeStatus::complete, r.status);
  GRADE_EXPECT_EQ("header", want, r.header);
  GRADE_EXPECT_EQ("header_len", header_len, r.header_len);
}

Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

GRADED_TEST(Decode, RfcExamples, 2,
            "RFC 6455 5.7's frames: read FIN, opcode and MASK from bytes 0 and 1, the length from the 7-bit "
            "field (or the 16/64 bits after it), then the masking key.") {
  const Bytes hello = {'H', 'e', 'l', 'l', 'o'};
  expect_header(cat({0x81, 0x05}, hello), lab2::header(Opcode::text, 5), 2);
  expect_header({0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58},
                lab2::masked(lab2::header(Opcode::text, 5)), 6);
  expect_header({0x01, 0x03, 'H', 'e', 'l'}, lab2::header(Opcode::text, 3, false), 2);
  expect_header({0x80, 0x02, 'l', 'o'}, lab2::header(Opcode::continuation, 2), 2);
  expect_header(cat({0x89, 0x05}, hello), lab2::header(Opcode::ping, 5), 2);
  expect_header(cat({0x82, 0x7e, 0x01, 0x00}, Bytes(10, 0xaa)), lab2::header(Opcode::binary, 256), 4);
  expect_header({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0, 0xaa}, lab2::header(Opcode::binary, 65536), 10);
}

GRADED_TEST(Decode, AllLengthForms, 3,
            "RFC 6455 5.2: 7-bit field 0-125 is the length; 126: the next 2 bytes are the length; 127: the "
            "next 8 are. Most significant byte first. Then 4 bytes of masking key if MASK is set.") {
  for (int i = 0; i < 40; ++i) {
    auto h = lab2::random_header();
    Bytes bytes = cat(lab2::expected_bytes(h), lab2::random_bytes(grade::rng()() % 8));
    auto r = lab2::decode(bytes);
    bool ok = r.status == DecodeStatus::complete && r.header == h && r.header_len == lab2::expected_bytes(h).size();
    if (!ok && r.status == DecodeStatus::complete && r.header.payload_len != h.payload_len && h.payload_len > 125) {
      grade::symptom("The extended length is in network byte order: shift in one byte at a time, most "
                     "significant first (RFC 6455 5.2).");
    }
    GRADE_ASSERT_EQ("status", DecodeStatus::complete, r.status);
    GRADE_EXPECT_EQ("header", h, r.header);
    GRADE_EXPECT_EQ("header_len", lab2::expected_bytes(h).size(), r.header_len);
    if (!ok) break;
  }
}

GRADED_TEST(Decode, NeedMoreAtEveryByte, 3,
            "TCP may deliver a header a byte at a time. With fewer than 2 bytes you need 2 minus what you "
            "have; after that the header is 2 bytes, +2 or +8 of extended length, +4 of masking key if "
            "masked: say exactly how many are missing, and never read past the end of the span.") {
  const ws::FrameHeader headers[] = {
      lab2::header(Opcode::text, 5),
      lab2::masked(lab2::header(Opcode::text, 5)),
      lab2::masked(lab2::header(Opcode::binary, 300)),
      lab2::header(Opcode::binary, 70000),
      lab2::masked(lab2::header(Opcode::binary, 70000), {0xde, 0xad, 0xbe, 0xef}),
  };
  for (const auto& h : headers) {
    Bytes whole = lab2::expected_bytes(h);
    for (std::size_t n = 0; n <= whole.size(); ++n) {
      Bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = lab2::decode(prefix, false);
      bool right = n == whole.size() ? r.status == DecodeStatus::complete
                                      : r.status == DecodeStatus::need_more &&
                                            r.bytes_needed == (n < 2 ? 2 - n : whole.size() - n);
      if (right) continue;
      lab2::decode(prefix);  // show the step that went wrong
      grade::step("(the first " + std::to_string(n) + " of the " + std::to_string(whole.size()) +
                  " header bytes of " + describe(h) + ")");
      if (n == whole.size()) {
        GRADE_ASSERT_EQ("status", DecodeStatus::complete, r.status);
      }
      GRADE_ASSERT_EQ("status", DecodeStatus::need_more, r.status);
      std::size_t want = n < 2 ? 2 - n : whole.size() - n;
      if (h.masked && n >= 2 && r.bytes_needed + 4 == want) {
        grade::symptom("bytes_needed forgot the 4 bytes of the masking key (MASK set: RFC 6455 5.2).");
      } else if (n >= 2 && r.bytes_needed + (whole.size() - 2 - (h.masked ? 4 : 0)) == want) {
        grade::symptom("bytes_needed forgot the extended payload length (2 or 8 bytes after byte 1, RFC 6455 5.2).");
      }
      GRADE_ASSERT_EQ("bytes_needed", want, r.bytes_needed);
    }
    grade::ok("need_more with the right bytes_needed for every prefix of " + describe(h));
  }
}

GRADED_TEST(Decode, RejectsBrokenRules, 3,
            "Fail the connection (invalid) for: an RSV bit set with no extension (5.2); a reserved opcode "
            "(5.2); a control frame with FIN 0 (5.5: control frames MUST NOT be fragmented) or a length "
            "over 125 (5.5); a 64-bit length with its top bit set (5.2).") {
  // First, frames that are fine, so that rejecting everything does not pass.
  expect_header({0x89, 0x7d}, lab2::header(Opcode::ping, 125), 2);
  expect_header({0x88, 0x00}, lab2::header(Opcode::close, 0), 2);
  expect_header({0x01, 0x7e, 0x01, 0x00}, lab2::header(Opcode::text, 256, false), 4);
  struct Case { Bytes bytes; const char* why; const char* hint; };
  const Case cases[] = {
      {{0xc1, 0x05}, "RSV1 set", "RSV1-3 must be 0 when no extension was negotiated (RFC 6455 5.2)."},
      {{0x91, 0x05}, "RSV3 set", "RSV1-3 must be 0 when no extension was negotiated (RFC 6455 5.2)."},
      {{0x83, 0x05}, "opcode 0x3", "Opcodes 0x3-0x7 and 0xB-0xF are reserved: invalid (RFC 6455 5.2)."},
      {{0x8b, 0x05}, "opcode 0xB", "Opcodes 0x3-0x7 and 0xB-0xF are reserved: invalid (RFC 6455 5.2)."},
      {{0x09, 0x05}, "a ping with FIN 0", "Control frames MUST NOT be fragmented: FIN must be 1 (RFC 6455 5.5)."},
      {{0x89, 0x7e, 0x00, 0x7e}, "a ping of 126 bytes",
       "Control frames carry at most 125 bytes, so their length is always in the 7-bit field (RFC 6455 5.5)."},
      {{0x88, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}, "a close of 65536 bytes",
       "Control frames carry at most 125 bytes, so their length is always in the 7-bit field (RFC 6455 5.5)."},
      {{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 1}, "a 64-bit length with its top bit set",
       "The most significant bit of a 64-bit length MUST be 0 (RFC 6455 5.2)."},
  };
  for (const auto& c : cases) {
    grade::step(std::string("(") + c.why + ")");
    auto r = lab2::decode(c.bytes);
    if (r.status != DecodeStatus::invalid) grade::symptom(c.hint);
    GRADE_EXPECT_EQ("status", DecodeStatus::invalid, r.status);
  }
}

GRADED_TEST(Decode, RejectsLongerLengthForm, 1,
            "RFC 6455 5.2: \"the minimal number of bytes MUST be used to encode the length\": a sender that "
            "writes 125 after 126, or 65535 after 127, breaks it, and the frame is invalid.") {
  // Lengths that need their form, so that rejecting every extended length does not pass.
  expect_header({0x82, 0x7e, 0x00, 0x7e}, lab2::header(Opcode::binary, 126), 4);
  expect_header({0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0}, lab2::header(Opcode::binary, 65536), 10);
  struct Case { Bytes bytes; const char* why; };
  const Case cases[] = {
      {{0x82, 0x7e, 0x00, 0x7d}, "125 in the 16-bit form"},
      {{0x82, 0x7e, 0x00, 0x00}, "0 in the 16-bit form"},
      {{0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, "65535 in the 64-bit form"},
      {{0x82, 0x7f, 0, 0, 0, 0, 0, 0, 0x00, 0x05}, "5 in the 64-bit form"},
  };
  for (const auto& c : cases) {
    grade::step(std::string("(") + c.why + ")");
    auto r = lab2::decode(c.bytes);
    if (r.status == DecodeStatus::complete) {
      grade::symptom("You accepted a length written in a longer form than it needs (" + std::string(c.why) +
                     "); a decoder checks the length's form once the extended length is read (RFC 6455 5.2).");
    }
    GRADE_EXPECT_EQ("status", DecodeStatus::invalid, r.status);
  }
}
