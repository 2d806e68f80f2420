// Masking (RFC 6455 5.3): the fast path equals the byte-by-byte reference for
// every length 0-300, every phase and every offset into a buffer, and the
// phase carries across chunks.
#include <gtest/gtest.h>

#include <random>

#include "wire/mask.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::escape_bytes;

TEST(Mask, RfcExampleUnmasksToHello) {
  // 5.7: "Hello" masked with 37 fa 21 3d is 7f 9f 4d 51 58.
  Bytes data = test::from_hex("7f 9f 4d 51 58");
  EXPECT_EQ(apply_mask(data, MaskingKey{0x37, 0xfa, 0x21, 0x3d}), 1u) << "5 bytes from phase 0 end at phase 1";
  EXPECT_BYTES_EQ(test::bytes_of("Hello"), data);
}

TEST(Mask, FastPathEqualsReferenceForEveryLengthPhaseAndOffset) {
  std::mt19937 rng(6455);   // fixed seed
  Bytes buffer(300 + 16);
  for (const MaskPath path : available_mask_paths()) {
  SCOPED_TRACE(std::string("block path ") + mask_path_name(path) + " (apply_mask uses " +
               mask_path_name(active_mask_path()) + ")");
  for (std::size_t len = 0; len <= 300; ++len) {
    for (std::size_t phase = 0; phase < 4; ++phase) {
      const std::size_t offset = rng() % 16;   // misaligned starts
      const MaskingKey key{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                           static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
      for (auto& b : buffer) b = static_cast<std::uint8_t>(rng());
      Bytes fast = buffer, ref = buffer;
      const auto fast_phase = apply_mask_using(path, std::span<std::uint8_t>(fast).subspan(offset, len), key, phase);
      const auto ref_phase = apply_mask_reference(std::span<std::uint8_t>(ref).subspan(offset, len), key, phase);
      ASSERT_EQ(fast_phase, ref_phase) << "len " << len << " phase " << phase;
      ASSERT_EQ(fast_phase, (phase + len) % 4);
      // Whole buffers compared: the fast path must not touch bytes outside its span.
      ASSERT_BYTES_EQ(ref, fast) << "len " << len << " phase " << phase << " offset " << offset << " key "
                                 << escape_bytes(key);
    }
  }
  }
}

TEST(Mask, ApplyMaskUsesTheActivePath) {
  Bytes a(1000, 0x11), b(1000, 0x11);
  const MaskingKey key{9, 8, 7, 6};
  EXPECT_EQ(apply_mask(a, key, 2), apply_mask_using(active_mask_path(), b, key, 2));
  EXPECT_BYTES_EQ(b, a);
}

TEST(Mask, PhaseCarriesAcrossChunks) {
  std::mt19937 rng(99);
  Bytes payload(1000);
  for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
  const MaskingKey key{0xde, 0xad, 0xbe, 0xef};
  Bytes whole = payload;
  apply_mask_reference(whole, key, 0);
  for (int round = 0; round < 50; ++round) {
    Bytes chunked = payload;
    std::size_t at = 0, phase = 0;
    std::string cuts;
    while (at < chunked.size()) {
      const std::size_t n = std::min<std::size_t>(chunked.size() - at, rng() % 90);
      phase = apply_mask(std::span<std::uint8_t>(chunked).subspan(at, n), key, phase);
      at += n;
      cuts += std::to_string(n) + " ";
    }
    ASSERT_BYTES_EQ(whole, chunked) << "cuts: " << cuts;
  }
}

TEST(Mask, MaskingTwiceRestoresTheData) {
  Bytes data = test::bytes_of("a payload long enough to take the 64-byte vector path, and then some more bytes");
  const Bytes original = data;
  const MaskingKey key{1, 2, 3, 4};
  apply_mask(data, key, 3);
  EXPECT_NE(data, original);
  apply_mask(data, key, 3);
  EXPECT_BYTES_EQ(original, data);
}

}  // namespace
}  // namespace wire
