// Frame header decoding and encoding (RFC 6455 5.2, 5.5, 5.7): the RFC's own
// examples at every chunking, every FrameError, and random round trips.
#include <gtest/gtest.h>

#include <random>

#include "wire/frame.h"
#include "wire/mask.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::bytes_of;
using test::Chunking;
using test::escape_bytes;
using test::from_hex;
using Status = FrameHeaderDecoder::Status;

// What one frame decoded from a chunked input looks like.
struct Decoded {
  Status status = Status::need_more;
  FrameHeader header;
  Bytes header_bytes;
  Bytes payload;            // unmasked, phase carried across pieces
  std::size_t header_consumed = 0;
  std::optional<FrameError> error;
  std::size_t error_at = 0;
};

// Feeds the pieces to a FrameHeaderDecoder; what follows the header is the
// payload, unmasked piece by piece with the key's phase carried along (5.3).
Decoded decode_chunked(const Chunking& chunking, FrameRules rules) {
  Decoded d;
  FrameHeaderDecoder dec(rules);
  std::size_t phase = 0;
  for (auto piece : chunking.pieces) {
    if (d.status == Status::need_more) {
      const auto step = dec.feed(piece);
      d.status = step.status;
      d.header = step.header;
      d.error = step.error;
      d.error_at = step.error_at;
      d.header_consumed += step.consumed;
      piece = piece.subspan(step.consumed);
    }
    if (d.status != Status::done) continue;
    Bytes chunk(piece.begin(), piece.end());
    if (d.header.masked) phase = apply_mask(chunk, d.header.masking_key, phase);
    d.payload.insert(d.payload.end(), chunk.begin(), chunk.end());
  }
  d.header_bytes.assign(dec.header_bytes().begin(), dec.header_bytes().end());
  return d;
}

FrameRules server_reads_client() { return FrameRules{true, false, true}; }
FrameRules client_reads_server() { return FrameRules{false, false, true}; }

FrameHeader header_of(Opcode op, bool fin, std::uint64_t len, std::optional<MaskingKey> key = std::nullopt) {
  FrameHeader h;
  h.fin = fin;
  h.opcode = op;
  h.payload_len = len;
  if (key) {
    h.masked = true;
    h.masking_key = *key;
  }
  return h;
}

// Checks one RFC 6455 5.7 example at every chunking of `wire_bytes`.
void expect_frame_at_every_chunking(const Bytes& wire_bytes, FrameRules rules, const FrameHeader& expected_header,
                                    const Bytes& expected_payload) {
  const std::size_t header_len = expected_header.header_len();
  test::for_each_chunking(wire_bytes, [&](const Chunking& c) {
    SCOPED_TRACE("input " + escape_bytes(wire_bytes) + " fed " + c.name);
    const Decoded d = decode_chunked(c, rules);
    ASSERT_EQ(d.status, Status::done);
    EXPECT_EQ(d.header, expected_header);
    EXPECT_EQ(d.header_consumed, header_len) << "the decoder must consume exactly the header's bytes";
    EXPECT_BYTES_EQ(std::span<const std::uint8_t>(wire_bytes).first(header_len), d.header_bytes);
    EXPECT_BYTES_EQ(expected_payload, d.payload);
  });
}

const MaskingKey kRfcKey{0x37, 0xfa, 0x21, 0x3d};

TEST(FrameRfcExamples, UnmaskedHelloAtEveryChunking) {
  // 5.7: a single-frame unmasked text message.
  expect_frame_at_every_chunking(from_hex("81 05 48 65 6c 6c 6f"), client_reads_server(),
                                 header_of(Opcode::text, true, 5), bytes_of("Hello"));
}

TEST(FrameRfcExamples, MaskedHelloAtEveryChunking) {
  // 5.7: a single-frame masked text message.
  expect_frame_at_every_chunking(from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), server_reads_client(),
                                 header_of(Opcode::text, true, 5, kRfcKey), bytes_of("Hello"));
}

TEST(FrameRfcExamples, FragmentedHelAndLoAtEveryChunking) {
  // 5.7: a fragmented unmasked text message, "Hel" then "lo".
  expect_frame_at_every_chunking(from_hex("01 03 48 65 6c"), client_reads_server(),
                                 header_of(Opcode::text, false, 3), bytes_of("Hel"));
  expect_frame_at_every_chunking(from_hex("80 02 6c 6f"), client_reads_server(),
                                 header_of(Opcode::continuation, true, 2), bytes_of("lo"));
}

TEST(FrameRfcExamples, UnmaskedPingAtEveryChunking) {
  // 5.7: unmasked ping request with body "Hello".
  expect_frame_at_every_chunking(from_hex("89 05 48 65 6c 6c 6f"), client_reads_server(),
                                 header_of(Opcode::ping, true, 5), bytes_of("Hello"));
}

TEST(FrameRfcExamples, MaskedPongAtEveryChunking) {
  // 5.7: masked ping response with body "Hello".
  expect_frame_at_every_chunking(from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), server_reads_client(),
                                 header_of(Opcode::pong, true, 5, kRfcKey), bytes_of("Hello"));
}

Bytes pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>(i * 7 + 3);
  return b;
}

TEST(FrameRfcExamples, Binary256BytesSixteenBitLengthAtEveryChunking) {
  // 5.7: 256 bytes binary message in a single unmasked frame: 82 7E 01 00.
  const Bytes payload = pattern(256);
  Bytes wire_bytes = from_hex("82 7E 01 00");
  wire_bytes.insert(wire_bytes.end(), payload.begin(), payload.end());
  FrameHeader h = header_of(Opcode::binary, true, 256);
  expect_frame_at_every_chunking(wire_bytes, client_reads_server(), h, payload);
  EXPECT_EQ(length_form(h), LengthForm::sixteen_bit);
}

TEST(FrameRfcExamples, Binary64KiBSixtyFourBitLengthAtEveryChunking) {
  // 5.7: 64 KiB binary message in a single unmasked frame: 82 7F 00 00 00 00 00 01 00 00.
  // Every split point of the header (plus a few payload bytes), then the whole
  // frame whole, one byte at a time and at random cuts.
  const Bytes header = from_hex("82 7F 00 00 00 00 00 01 00 00");
  const Bytes payload = pattern(65536);
  Bytes wire_bytes = header;
  wire_bytes.insert(wire_bytes.end(), payload.begin(), payload.end());
  const FrameHeader h = header_of(Opcode::binary, true, 65536);
  EXPECT_EQ(length_form(h), LengthForm::sixty_four_bit);

  const auto prefix = std::span<const std::uint8_t>(wire_bytes).first(header.size() + 6);
  test::for_each_chunking(prefix, [&](const Chunking& c) {
    SCOPED_TRACE("header prefix fed " + c.name);
    const Decoded d = decode_chunked(c, client_reads_server());
    ASSERT_EQ(d.status, Status::done);
    EXPECT_EQ(d.header, h);
    EXPECT_EQ(d.header_consumed, header.size());
    EXPECT_BYTES_EQ(std::span<const std::uint8_t>(payload).first(6), d.payload);
  });
  std::vector<Chunking> whole = {test::chunk_whole(wire_bytes), test::chunk_one_byte_at_a_time(wire_bytes)};
  for (auto& c : test::random_chunkings(wire_bytes, 2026, 3)) whole.push_back(std::move(c));
  for (const auto& c : whole) {
    SCOPED_TRACE("whole frame fed " + c.name.substr(0, 60));
    const Decoded d = decode_chunked(c, client_reads_server());
    ASSERT_EQ(d.status, Status::done);
    EXPECT_EQ(d.header, h);
    EXPECT_BYTES_EQ(payload, d.payload);
  }
}

TEST(FrameEncoder, WritesTheRfcExamples) {
  EXPECT_BYTES_EQ(from_hex("81 05 48 65 6c 6c 6f"), encode_server_frame(Opcode::text, bytes_of("Hello")));
  EXPECT_BYTES_EQ(from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"),
                  encode_client_frame(Opcode::text, bytes_of("Hello"), kRfcKey));
  EXPECT_BYTES_EQ(from_hex("01 03 48 65 6c"), encode_server_frame(Opcode::text, bytes_of("Hel"), false));
  EXPECT_BYTES_EQ(from_hex("80 02 6c 6f"), encode_server_frame(Opcode::continuation, bytes_of("lo")));
  EXPECT_BYTES_EQ(from_hex("89 05 48 65 6c 6c 6f"), encode_server_frame(Opcode::ping, bytes_of("Hello")));
  EXPECT_BYTES_EQ(from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"),
                  encode_client_frame(Opcode::pong, bytes_of("Hello"), kRfcKey));
  EXPECT_BYTES_EQ(from_hex("82 7E 01 00"),
                  std::span<const std::uint8_t>(encode_server_frame(Opcode::binary, pattern(256))).first(4));
  EXPECT_BYTES_EQ(from_hex("82 7F 00 00 00 00 00 01 00 00"),
                  std::span<const std::uint8_t>(encode_server_frame(Opcode::binary, pattern(65536))).first(10));
}

TEST(FrameEncoder, UsesTheMinimalLengthFormAtTheBoundaries) {
  // 5.2: 125 -> 7 bits, 126 -> 16 bits, 65535 -> 16 bits, 65536 -> 64 bits.
  const std::pair<std::size_t, std::size_t> cases[] = {{0, 2}, {125, 2}, {126, 4}, {65535, 4}, {65536, 10}};
  for (auto [len, header_len] : cases) {
    const Bytes f = encode_server_frame(Opcode::binary, Bytes(len, 0xAB));
    EXPECT_EQ(f.size(), len + header_len) << "payload_len " << len << " should use a " << header_len
                                          << "-byte header; frame starts " << escape_bytes(f, 12);
  }
}

// ---- every FrameError ---------------------------------------------------------

struct ErrorCase {
  const char* name;
  const char* hex;
  FrameRules rules;
  FrameError expected;
  std::size_t error_at;
  std::size_t consumed;     // header bytes read when the error is found
  const char* rule;
};

class FrameErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(FrameErrors, StopsWithItsOwnErrorAtEveryChunking) {
  const ErrorCase& c = GetParam();
  const Bytes input = from_hex(c.hex);
  test::for_each_chunking(input, [&](const Chunking& chunking) {
    SCOPED_TRACE(std::string(c.name) + ": input " + escape_bytes(input) + " fed " + chunking.name);
    const Decoded d = decode_chunked(chunking, c.rules);
    ASSERT_EQ(d.status, Status::error);
    ASSERT_TRUE(d.error.has_value());
    EXPECT_EQ(*d.error, c.expected) << "expected " << frame_error(c.expected, 0).reason << ", got "
                                    << frame_error(*d.error, 0).reason;
    EXPECT_EQ(d.error_at, c.error_at);
    EXPECT_EQ(d.header_consumed, c.consumed);
  });
  const Error e = frame_error(c.expected, c.error_at);
  EXPECT_EQ(e.rule, c.rule);
  EXPECT_EQ(close_code_for(c.expected), 1002);
}

const FrameRules kServer{true, false, true};
const FrameRules kClient{false, false, true};

INSTANTIATE_TEST_SUITE_P(
    Rfc6455, FrameErrors,
    ::testing::Values(
        // 5.2: a 64-bit length with its most significant bit set.
        ErrorCase{"length_msb_set", "82 7F 80 00 00 00 00 00 00 01", kClient, FrameError::length_msb_set, 2, 3,
                  "RFC 6455 5.2"},
        // 5.2: 5 written in the 16-bit form, 200 written in the 64-bit form.
        ErrorCase{"non_minimal_16", "81 7E 00 05 48 65 6c 6c 6f", kClient, FrameError::non_minimal_length, 2, 4,
                  "RFC 6455 5.2"},
        ErrorCase{"non_minimal_64", "82 7F 00 00 00 00 00 00 00 C8", kClient, FrameError::non_minimal_length, 2, 10,
                  "RFC 6455 5.2"},
        // 5.2: reserved opcodes, non-control and control.
        ErrorCase{"reserved_opcode_3", "83 00", kClient, FrameError::reserved_opcode, 0, 1, "RFC 6455 5.2"},
        ErrorCase{"reserved_opcode_B", "8B 00", kClient, FrameError::reserved_opcode, 0, 1, "RFC 6455 5.2"},
        // 5.2: RSV1 without permessage-deflate, RSV2, RSV3.
        ErrorCase{"rsv1", "C1 00", kClient, FrameError::rsv_without_extension, 0, 1, "RFC 6455 5.2"},
        ErrorCase{"rsv2", "A1 00", kClient, FrameError::rsv_without_extension, 0, 1, "RFC 6455 5.2"},
        ErrorCase{"rsv3", "91 00", kClient, FrameError::rsv_without_extension, 0, 1, "RFC 6455 5.2"},
        // 5.5: a ping of 126 bytes (16-bit form), a close of 200 in the 7-bit form can't exist: 127 form.
        ErrorCase{"control_too_long_126", "89 7E 00 7E", kClient, FrameError::control_too_long, 1, 2,
                  "RFC 6455 5.5"},
        ErrorCase{"control_too_long_127", "88 7F 00 00 00 00 00 00 01 00", kClient, FrameError::control_too_long, 1,
                  2, "RFC 6455 5.5"},
        // 5.5: a ping with FIN clear.
        ErrorCase{"control_fragmented", "09 00", kClient, FrameError::control_fragmented, 0, 1, "RFC 6455 5.5"},
        // 5.1: an unmasked client frame, a masked server frame.
        ErrorCase{"client_frame_unmasked", "81 05 48 65 6c 6c 6f", kServer, FrameError::client_frame_unmasked, 1, 2,
                  "RFC 6455 5.1"},
        ErrorCase{"server_frame_masked", "81 85 37 fa 21 3d 7f 9f 4d 51 58", kClient, FrameError::server_frame_masked,
                  1, 2, "RFC 6455 5.1"}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

TEST(FrameRules, Rsv1IsAllowedWhenPermessageDeflateWasNegotiated) {
  FrameHeaderDecoder dec(FrameRules{false, true, true});
  const Bytes input = from_hex("C1 03 01 02 03");
  const auto step = dec.feed(input);
  ASSERT_EQ(step.status, Status::done) << "RFC 7692 6: RSV1 marks a compressed message";
  EXPECT_TRUE(step.header.rsv1);
}

TEST(FrameRules, ATapKeepsDecodingPastRuleBreaksAndChecksAfterwards) {
  // stop_on_rule_break = false: an unmasked client frame still decodes; check_header names the rule.
  FrameHeaderDecoder dec(FrameRules{true, false, false});
  const Bytes input = from_hex("81 05 48 65 6c 6c 6f");
  const auto step = dec.feed(input);
  ASSERT_EQ(step.status, Status::done);
  EXPECT_EQ(step.consumed, 2u);
  EXPECT_EQ(check_header(step.header, dec.rules()), FrameError::client_frame_unmasked);
  // ... but the 64-bit MSB rule always stops it: the length means nothing.
  FrameHeaderDecoder dec2(FrameRules{true, false, false});
  const Bytes bad = from_hex("82 FF 80 00 00 00 00 00 00 00");
  EXPECT_EQ(dec2.feed(bad).error, FrameError::length_msb_set);
}

TEST(FrameRules, CheckHeaderReportsRulesInByteOrder) {
  FrameHeader h = header_of(Opcode::ping, false, 200);   // fragmented AND too long AND unmasked
  h.rsv2 = true;
  EXPECT_EQ(check_header(h, kServer), FrameError::rsv_without_extension);
  h.rsv2 = false;
  EXPECT_EQ(check_header(h, kServer), FrameError::control_fragmented);
  h.fin = true;
  EXPECT_EQ(check_header(h, kServer), FrameError::client_frame_unmasked);
  h.masked = true;
  EXPECT_EQ(check_header(h, kServer), FrameError::control_too_long);
  h.payload_len = 125;
  EXPECT_EQ(check_header(h, kServer), std::nullopt);
}

// ---- need counts and reuse ------------------------------------------------------

TEST(FrameHeaderDecoder, SaysHowManyMoreBytesItNeeds) {
  const Bytes input = from_hex("82 FF 00 00 00 00 00 01 00 00 01 02 03 04");   // masked, 64-bit length
  FrameHeaderDecoder dec(kServer);
  const std::size_t expected_need[] = {2, 1, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto step = dec.feed({});
    EXPECT_EQ(step.status, Status::need_more);
    EXPECT_EQ(step.need, expected_need[i]) << "after " << i << " header bytes of " << escape_bytes(input);
    dec.feed(std::span<const std::uint8_t>(input).subspan(i, 1));
  }
  const auto done = dec.feed({});
  EXPECT_EQ(done.status, Status::done);
  EXPECT_EQ(done.header.payload_len, 65536u);
  EXPECT_EQ(done.header.masking_key, (MaskingKey{1, 2, 3, 4}));
}

TEST(FrameHeaderDecoder, ConsumesNothingAfterDoneUntilReset) {
  const Bytes two = from_hex("81 00 82 00");
  FrameHeaderDecoder dec(kClient);
  auto step = dec.feed(two);
  EXPECT_EQ(step.consumed, 2u);
  EXPECT_EQ(dec.feed(std::span<const std::uint8_t>(two).subspan(2)).consumed, 0u);
  dec.reset();
  step = dec.feed(std::span<const std::uint8_t>(two).subspan(2));
  EXPECT_EQ(step.status, Status::done);
  EXPECT_EQ(step.header.opcode, Opcode::binary);
}

// ---- random round trips ----------------------------------------------------------

TEST(FrameRoundTrip, RandomHeadersEncodeAndDecodeToThemselves) {
  std::mt19937_64 rng(0x5eed);   // fixed seed: the same frames every run
  const Opcode data_ops[] = {Opcode::continuation, Opcode::text, Opcode::binary};
  const Opcode control_ops[] = {Opcode::close, Opcode::ping, Opcode::pong};
  for (int i = 0; i < 2000; ++i) {
    FrameHeader h;
    const bool control = rng() % 4 == 0;
    h.opcode = control ? control_ops[rng() % 3] : data_ops[rng() % 3];
    h.fin = control || rng() % 2 == 0;
    h.masked = rng() % 2 == 0;
    if (h.masked) {
      const auto k = static_cast<std::uint32_t>(rng());
      h.masking_key = {static_cast<std::uint8_t>(k >> 24), static_cast<std::uint8_t>(k >> 16),
                       static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)};
    }
    const int form = static_cast<int>(rng() % 3);
    h.payload_len = control ? rng() % 126
                    : form == 0 ? rng() % 126
                    : form == 1 ? 126 + rng() % (65536 - 126)
                                : 65536 + (rng() >> 1) % (std::uint64_t{1} << 62);
    std::array<std::uint8_t, 14> buf{};
    const std::size_t n = encode_header(h, buf);
    ASSERT_EQ(n, h.header_len());
    const std::span<const std::uint8_t> bytes(buf.data(), n);
    FrameHeaderDecoder dec(FrameRules{h.masked, false, true});
    // One byte at a time for half of them, whole for the rest.
    FrameHeaderDecoder::Step step;
    if (i % 2 == 0) {
      for (std::size_t j = 0; j < n; ++j) step = dec.feed(bytes.subspan(j, 1));
    } else {
      step = dec.feed(bytes);
    }
    ASSERT_EQ(step.status, Status::done) << "header " << escape_bytes(bytes) << " error "
                                         << (step.error ? frame_error(*step.error, 0).reason : "none");
    EXPECT_EQ(step.header, h) << "bytes " << escape_bytes(bytes);
  }
}

TEST(FrameRoundTrip, RandomClientFramesUnmaskToTheirPayload) {
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    Bytes payload(rng() % 300);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    const MaskingKey key{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                         static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
    const Bytes frame = encode_client_frame(Opcode::binary, payload, key);
    for (const auto& c : test::random_chunkings(frame, static_cast<std::uint32_t>(i), 2)) {
      SCOPED_TRACE(c.name);
      const Decoded d = decode_chunked(c, kServer);
      ASSERT_EQ(d.status, Status::done);
      EXPECT_EQ(d.header.masking_key, key);
      EXPECT_BYTES_EQ(payload, d.payload);
    }
  }
}

TEST(FrameNames, OpcodesAndLengthForms) {
  EXPECT_STREQ(opcode_name(Opcode::text), "text");
  EXPECT_STREQ(opcode_name(Opcode::pong), "pong");
  EXPECT_STREQ(opcode_name(Opcode::reserved_3), "reserved (0x3)");
  EXPECT_TRUE(is_control(Opcode::close));
  EXPECT_FALSE(is_control(Opcode::binary));
  EXPECT_TRUE(is_reserved(Opcode::reserved_f));
  EXPECT_FALSE(is_reserved(Opcode::pong));
  EXPECT_STREQ(length_form_name(LengthForm::sixteen_bit), "16-bit (126)");
}

}  // namespace
}  // namespace wire
