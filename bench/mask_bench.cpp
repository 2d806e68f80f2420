// Masking throughput (RFC 6455 5.3) against memcpy, the ceiling for touching
// every byte once. Target: BM_Unmask/65536 at >= 0.8 of BM_Memcpy/65536.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "wire/mask.h"

namespace {

constexpr wire::MaskingKey kKey{0x37, 0xfa, 0x21, 0x3d};

void BM_Memcpy(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> src(n, 0x5a), dst(n);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), n);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_Unmask(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> data(n, 0x5a);
  std::size_t phase = 1;   // a phase other than 0, as in the middle of a payload
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire::apply_mask(data, kKey, phase));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
  state.SetLabel(wire::mask_path_name(wire::active_mask_path()));
}

// Each block path apply_mask can choose (arg 0: words64, 1: vector16, 2: avx2, 3: avx512),
// to see what a CPU without AVX-512 or AVX2 would get.
void BM_UnmaskPath(benchmark::State& state) {
  const auto path = static_cast<wire::MaskPath>(state.range(0));
  const auto available = wire::available_mask_paths();
  if (std::find(available.begin(), available.end(), path) == available.end()) {
    state.SkipWithError("this CPU cannot run that path");
    return;
  }
  const auto n = static_cast<std::size_t>(state.range(1));
  std::vector<std::uint8_t> data(n, 0x5a);
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire::apply_mask_using(path, data, kKey, 1));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(1));
  state.SetLabel(wire::mask_path_name(path));
}

void BM_UnmaskReference(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint8_t> data(n, 0x5a);
  std::size_t phase = 1;
  for (auto _ : state) {
    benchmark::DoNotOptimize(wire::apply_mask_reference(data, kKey, phase));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

}  // namespace

BENCHMARK(BM_Memcpy)->Arg(16)->Arg(128)->Arg(4096)->Arg(65536);
BENCHMARK(BM_Unmask)->Arg(16)->Arg(128)->Arg(4096)->Arg(65536);
BENCHMARK(BM_UnmaskReference)->Arg(16)->Arg(128)->Arg(4096)->Arg(65536);
BENCHMARK(BM_UnmaskPath)->Args({0, 65536})->Args({1, 65536})->Args({2, 65536})->Args({3, 65536});
