// Masking (RFC 6455 5.3): every block path (words64, vector16, avx2, avx512)
// equals the byte-by-byte reference for every length 0-300 and 500-530, every
// phase and every start offset 0-15 into a buffer, natively where this CPU runs
// it and compiled for the baseline CPU everywhere; the phase carries across chunks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

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

using MaskFn = std::size_t (*)(MaskPath, std::span<std::uint8_t>, const MaskingKey&, std::size_t);

// Lengths: every one from 0 to 300 (past four blocks of the widest vector, 4 x 64 = 256, so each
// width's 4-block loop, 1-block loop, 8-byte words and tail all run and hand over), and 500-530,
// around eight 64-byte blocks.
std::vector<std::size_t> lengths_to_check() {
  std::vector<std::size_t> out;
  for (std::size_t len = 0; len <= 300; ++len) out.push_back(len);
  for (std::size_t len = 500; len <= 530; ++len) out.push_back(len);
  return out;
}

// `fn` for `path` equals the byte-by-byte reference for every start offset 0-15 into the buffer
// (0-3 misaligned within a word, and within every vector width), every phase and every length above.
void expect_equals_reference(MaskPath path, MaskFn fn) {
  std::mt19937 rng(6455);   // fixed seed: the same bytes and keys every run
  constexpr std::size_t kMaxOffset = 15;
  for (const std::size_t len : lengths_to_check()) {
    Bytes buffer(len + kMaxOffset + 8);   // 8 guard bytes past the furthest span
    for (auto& b : buffer) b = static_cast<std::uint8_t>(rng());
    const MaskingKey key{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                         static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
    for (std::size_t offset = 0; offset <= kMaxOffset; ++offset) {
      for (std::size_t phase = 0; phase < 4; ++phase) {
        Bytes fast = buffer, ref = buffer;
        const auto fast_phase = fn(path, std::span<std::uint8_t>(fast).subspan(offset, len), key, phase);
        const auto ref_phase = apply_mask_reference(std::span<std::uint8_t>(ref).subspan(offset, len), key, phase);
        // Whole buffers compared: the fast path must not touch bytes outside its span.
        if (fast_phase == ref_phase && fast_phase == (phase + len) % 4 && fast == ref) continue;   // (fast)
        ASSERT_EQ(fast_phase, ref_phase) << "len " << len << " phase " << phase << " offset " << offset;
        ASSERT_EQ(fast_phase, (phase + len) % 4);
        ASSERT_BYTES_EQ(ref, fast) << "len " << len << " phase " << phase << " offset " << offset << " key "
                                   << escape_bytes(key);
      }
    }
  }
}

bool runs_here(MaskPath path) {
  const auto here = available_mask_paths();
  return std::find(here.begin(), here.end(), path) != here.end();
}

TEST(Mask, EveryPathThisCpuRunsEqualsTheReference) {
  std::string ran;
  for (const MaskPath path : available_mask_paths()) {
    SCOPED_TRACE(std::string("native block path ") + mask_path_name(path) + " (apply_mask uses " +
                 mask_path_name(active_mask_path()) + ")");
    expect_equals_reference(path, apply_mask_using);
    ran += std::string(ran.empty() ? "" : ", ") + mask_path_name(path);
  }
  // Which paths were really checked, in the test's output and its XML report.
  std::printf("masking paths run natively on this CPU: %s (apply_mask uses %s)\n", ran.c_str(),
              mask_path_name(active_mask_path()));
  RecordProperty("native_paths", ran);
}

TEST(Mask, EveryPathsBlockLoopEqualsTheReferenceCompiledForTheBaselineCpu) {
  // A path this CPU cannot run (avx512 on most CI runners) is still checked here: the same loop
  // compiled without its target attribute. Debian has no emulator for it (qemu-user 7.2 stops at AVX2).
  std::string portable_only;
  for (const MaskPath path : all_mask_paths()) {
    SCOPED_TRACE(std::string("block path ") + mask_path_name(path) + " compiled for the baseline CPU");
    expect_equals_reference(path, apply_mask_portable);
    if (!runs_here(path)) portable_only += std::string(portable_only.empty() ? "" : ", ") + mask_path_name(path);
  }
  if (!portable_only.empty()) {
    std::printf("this CPU cannot run %s: checked only as the same loop compiled for the baseline CPU\n",
                portable_only.c_str());
  }
  RecordProperty("portable_only_paths", portable_only.empty() ? "none" : portable_only);
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
