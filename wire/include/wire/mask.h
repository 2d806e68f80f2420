// Masking (RFC 6455 5.3): payload[i] ^= masking_key[(phase + i) % 4].
// A fast path (64-bit words, key rotated to the phase) and a byte-by-byte
// reference that the tests hold equal for every length 0-300 and any phase.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "wire/frame.h"

namespace wire {

// XORs data in place starting at key byte `phase` (0-3); returns the phase for
// the next chunk, so a payload can be unmasked across any number of reads.
std::size_t apply_mask(std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase = 0);
std::size_t apply_mask_reference(std::span<std::uint8_t> data, const MaskingKey& key, std::size_t phase = 0);

// The fast path's block loops, for tests and benchmarks: apply_mask uses the
// widest one this CPU runs; tests hold every available one to the reference.
enum class MaskPath : std::uint8_t { words64, vector16, avx2, avx512 };
const char* mask_path_name(MaskPath path);       // "avx2", ...
MaskPath active_mask_path();                     // what apply_mask uses here
std::vector<MaskPath> available_mask_paths();    // all this CPU can run
std::size_t apply_mask_using(MaskPath path, std::span<std::uint8_t> data, const MaskingKey& key,
                             std::size_t phase = 0);
// Every path, whether or not this CPU runs it.
std::vector<MaskPath> all_mask_paths();
// The same block loop as `path`, with its block width, but compiled for the baseline target (no
// avx2/avx512f): it runs on any CPU, so a test checks the avx512 loop on a runner without AVX-512.
// Only the instructions differ from the native path, and those are the compiler's choice.
std::size_t apply_mask_portable(MaskPath path, std::span<std::uint8_t> data, const MaskingKey& key,
                                std::size_t phase = 0);

}  // namespace wire
