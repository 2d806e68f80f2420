// libFuzzer target: HttpSplitter with both directions interleaved
// (fuzz_input.h). Checks that complete messages are the input bytes at their
// offsets and that buffering stays bounded.
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_input.h"
#include "wire/http.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wire;
  const HttpOptions options{256, 128, std::nullopt};
  HttpSplitter splitter(options);
  std::vector<std::uint8_t> stream[2];
  auto check = [&](const HttpFeed& f) {
    for (const auto& u : f.units) {
      std::visit(
          [&](const auto& x) {
            const auto& s = stream[x.dir == Direction::c2s ? 0 : 1];
            if (x.offset > s.size() || x.bytes.size() > s.size() - x.offset) __builtin_trap();
            bool exact = true;
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, Http>) exact = !x.truncated;
            if (exact && !x.bytes.empty() && std::memcmp(x.bytes.data(), s.data() + x.offset, x.bytes.size()) != 0)
              __builtin_trap();
          },
          u);
    }
  };
  fuzz::for_each_record(data, size, [&](const fuzz::Record& rec) {
    if (splitter.phase(rec.dir) == HttpPhase::websocket) return;   // frames are the stream decoder's
    if (rec.finish) {
      check(splitter.finish(rec.dir));
      return;
    }
    auto& s = stream[rec.dir == Direction::c2s ? 0 : 1];
    s.insert(s.end(), rec.bytes.begin(), rec.bytes.end());
    check(splitter.feed(rec.dir, rec.bytes));
    if (splitter.pending(rec.dir) > 2 * options.max_head + options.max_body_kept + 256) __builtin_trap();
  });
  return 0;
}
