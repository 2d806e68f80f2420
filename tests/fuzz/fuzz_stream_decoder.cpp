// libFuzzer target: StreamDecoder with both directions interleaved at any
// chunking (fuzz_input.h). Besides "no crash, no leak, no UB" it checks that
// every complete unit's bytes are exactly the input at the unit's offset, and
// that buffering stays bounded. A second decoder checks requests as a server
// would (request_rules): its refusals point inside the stream and it never
// calls more bytes judged than it was fed.
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "fuzz_input.h"
#include "wire/request_rules.h"
#include "wire/stream_decoder.h"

namespace {

// `what` names the broken invariant for whoever reads the crash in a debugger.
[[noreturn]] void fail(const char* /*what*/) { __builtin_trap(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wire;
  // Small limits so truncation and the head limit are reached by small inputs.
  const StreamDecoderOptions options{64, 512, std::nullopt};
  StreamDecoder decoder(options);
  StreamDecoder server(StreamDecoderOptions{64, 512, RequestLimits{256, 8, false}});
  std::vector<std::uint8_t> stream[2];   // every byte fed, per direction
  auto check = [&](const FeedResult& r) {
    for (const auto& b : r.breaches) {
      // A breach names a frame, or the raw bytes of a header that cannot be framed (5.2's top-bit length).
      if (b.unit_index >= r.units.size() || std::holds_alternative<Http>(r.units[b.unit_index])) fail("breach index");
    }
    for (const auto& u : r.units) {
      std::visit(
          [&](const auto& x) {
            const auto& s = stream[x.dir == Direction::c2s ? 0 : 1];
            Bytes bytes;
            bool exact = true;
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, Frame>) {
              bytes = x.header;
              bytes.insert(bytes.end(), x.payload.begin(), x.payload.end());
              if (x.payload.size() > options.max_payload_kept) fail("payload kept beyond the limit");
              if (x.truncated != (x.payload.size() < x.payload_len)) fail("truncated flag");
            } else if constexpr (std::is_same_v<std::decay_t<decltype(x)>, Http>) {
              bytes = x.bytes;
              exact = !x.truncated;
            } else {
              bytes = x.bytes;
            }
            if (x.offset > s.size() || bytes.size() > s.size() - x.offset) fail("unit beyond the stream");
            if (exact && !bytes.empty() && std::memcmp(bytes.data(), s.data() + x.offset, bytes.size()) != 0)
              fail("unit bytes differ from the stream");
          },
          u);
    }
  };
  fuzz::for_each_record(data, size, [&](const fuzz::Record& rec) {
    if (rec.finish) {
      check(decoder.finish(rec.dir));
      check(server.finish(rec.dir));
      return;
    }
    auto& s = stream[rec.dir == Direction::c2s ? 0 : 1];
    s.insert(s.end(), rec.bytes.begin(), rec.bytes.end());
    check(decoder.feed(rec.dir, rec.bytes));
    const FeedResult r = server.feed(rec.dir, rec.bytes);
    check(r);
    for (const auto& b : r.refused) {
      if (b.offset > stream[0].size() || b.unit_index > r.units.size()) fail("refusal outside the stream");
    }
    if (server.settled(rec.dir) > s.size()) fail("more bytes settled than fed");
    if (decoder.pending(rec.dir) > 2 * options.max_http_head + options.max_payload_kept + 256) fail("unbounded buffering");
  });
  return 0;
}
