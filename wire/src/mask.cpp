// Masking (RFC 6455 5.3): transformed[i] = original[i] ^ masking_key[i % 4],
// where i counts from the first payload byte. A payload read in pieces carries
// the key's phase ((offset in payload) % 4) from one piece to the next.
//
// The fast path rotates the key to the phase and widens it to 64 bits; every
// block it XORs is a multiple of 4 bytes long, so the phase stays put until the
// last few bytes. Blocks are as wide as the CPU allows: 64 bytes with AVX-512,
// 32 with AVX2 (chosen at run time on x86-64), otherwise 16 with the compiler's
// generic vectors (SSE2 / NEON), then 8-byte words, then single bytes.
// The reference is the definition above, byte by byte; tests hold the two equal.
#include "wire/mask.h"

#include <bit>
#include <cstring>

namespace wire {

std::size_t apply_mask_reference(std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase) {
  phase &= 3;
  for (std::uint8_t& b : data) {
    b = static_cast<std::uint8_t>(b ^ key[phase]);
    phase = (phase + 1) & 3;
  }
  return phase;
}

namespace {

// Each xor_* function XORs whole blocks from p, and returns how many bytes it did.
// Loads and stores go through memcpy: no alignment is assumed, nothing outside [p, p+n) is touched.

using Vector16 = std::uint64_t __attribute__((vector_size(16)));
using Vector32 = std::uint64_t __attribute__((vector_size(32)));
using Vector64 = std::uint64_t __attribute__((vector_size(64)));

// The one block loop, for vectors of 16, 32 or 64 bytes: four at a time, then one.
// Always inlined, so each caller's target attribute (avx2, avx512f) decides the code.
template <typename V>
[[gnu::always_inline]] inline std::size_t xor_vectors(std::uint8_t* p, std::size_t n, std::uint64_t k64) {
  constexpr std::size_t W = sizeof(V);
  V k;
  for (std::size_t i = 0; i < W / 8; ++i) k[i] = k64;
  std::size_t done = 0;
  for (; n - done >= 4 * W; done += 4 * W) {
    V a, b, c, d;
    std::memcpy(&a, p + done, W);
    std::memcpy(&b, p + done + W, W);
    std::memcpy(&c, p + done + 2 * W, W);
    std::memcpy(&d, p + done + 3 * W, W);
    a ^= k;
    b ^= k;
    c ^= k;
    d ^= k;
    std::memcpy(p + done, &a, W);
    std::memcpy(p + done + W, &b, W);
    std::memcpy(p + done + 2 * W, &c, W);
    std::memcpy(p + done + 3 * W, &d, W);
  }
  for (; n - done >= W; done += W) {
    V a;
    std::memcpy(&a, p + done, W);
    a ^= k;
    std::memcpy(p + done, &a, W);
  }
  return done;
}

std::size_t xor_generic16(std::uint8_t* p, std::size_t n, std::uint64_t k64) { return xor_vectors<Vector16>(p, n, k64); }

#if defined(__x86_64__)
__attribute__((target("avx2"))) std::size_t xor_avx2(std::uint8_t* p, std::size_t n, std::uint64_t k64) {
  return xor_vectors<Vector32>(p, n, k64);
}

__attribute__((target("avx512f"))) std::size_t xor_avx512(std::uint8_t* p, std::size_t n, std::uint64_t k64) {
  return xor_vectors<Vector64>(p, n, k64);
}
#endif

// The avx2 and avx512 loops again, without their target attribute (apply_mask_portable).
std::size_t xor_portable32(std::uint8_t* p, std::size_t n, std::uint64_t k64) { return xor_vectors<Vector32>(p, n, k64); }
std::size_t xor_portable64(std::uint8_t* p, std::size_t n, std::uint64_t k64) { return xor_vectors<Vector64>(p, n, k64); }

std::size_t xor_none(std::uint8_t*, std::size_t, std::uint64_t) { return 0; }

using XorBlocks = std::size_t (*)(std::uint8_t*, std::size_t, std::uint64_t);

XorBlocks xor_for(MaskPath path) {
  switch (path) {
    case MaskPath::words64: return xor_none;
    case MaskPath::vector16: return xor_generic16;
#if defined(__x86_64__)
    case MaskPath::avx2: return xor_avx2;
    case MaskPath::avx512: return xor_avx512;
#else
    case MaskPath::avx2:
    case MaskPath::avx512: return xor_generic16;
#endif
  }
  return xor_none;
}

XorBlocks portable_xor_for(MaskPath path) {
  switch (path) {
    case MaskPath::avx2: return xor_portable32;
    case MaskPath::avx512: return xor_portable64;
    case MaskPath::words64:
    case MaskPath::vector16: break;   // already baseline code
  }
  return xor_for(path);
}

MaskPath pick_path() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return MaskPath::avx512;
  if (__builtin_cpu_supports("avx2")) return MaskPath::avx2;
#endif
  return MaskPath::vector16;
}

// Chosen once, on first use (function-local statics: safe from other files' static initialisers).
MaskPath active_path() {
  static const MaskPath path = pick_path();
  return path;
}
XorBlocks active_xor() {
  static const XorBlocks fn = xor_for(active_path());
  return fn;
}

std::size_t mask_with(XorBlocks xor_blocks, std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase);

}  // namespace

const char* mask_path_name(MaskPath path) {
  switch (path) {
    case MaskPath::words64: return "words64";
    case MaskPath::vector16: return "vector16";
    case MaskPath::avx2: return "avx2";
    case MaskPath::avx512: return "avx512";
  }
  return "?";
}

MaskPath active_mask_path() { return active_path(); }

std::vector<MaskPath> available_mask_paths() {
  std::vector<MaskPath> out = {MaskPath::words64, MaskPath::vector16};
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2")) out.push_back(MaskPath::avx2);
  if (__builtin_cpu_supports("avx512f")) out.push_back(MaskPath::avx512);
#endif
  return out;
}

std::size_t apply_mask_using(MaskPath path, std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase) {
  return mask_with(xor_for(path), data, key, phase);
}

std::vector<MaskPath> all_mask_paths() { return {MaskPath::words64, MaskPath::vector16, MaskPath::avx2, MaskPath::avx512}; }

std::size_t apply_mask_portable(MaskPath path, std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase) {
  return mask_with(portable_xor_for(path), data, key, phase);
}

std::size_t apply_mask(std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase) {
  return mask_with(active_xor(), data, key, phase);
}

namespace {

std::size_t mask_with(XorBlocks xor_blocks, std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase) {
  phase &= 3;
  std::uint8_t* p = data.data();
  const std::size_t n = data.size();
  // The key as it applies from p[0]: key[phase], key[phase+1], ... as 4 bytes in memory order.
  std::uint32_t k32;
  std::memcpy(&k32, key.data(), 4);
  const int shift = static_cast<int>(8 * phase);
  if constexpr (std::endian::native == std::endian::little) k32 = std::rotr(k32, shift);
  else k32 = std::rotl(k32, shift);
  const std::uint64_t k64 = (std::uint64_t{k32} << 32) | k32;

  std::size_t done = n >= 64 ? xor_blocks(p, n, k64) : 0;
  for (; n - done >= 8; done += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + done, 8);
    w ^= k64;
    std::memcpy(p + done, &w, 8);
  }
  // The last 0-7 bytes: done is a multiple of 4, so byte i uses key[(phase + i) % 4].
  for (std::size_t i = done; i < n; ++i) p[i] = static_cast<std::uint8_t>(p[i] ^ key[(phase + i) & 3]);
  return (phase + n) & 3;
}

}  // namespace

}  // namespace wire
