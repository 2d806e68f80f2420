// How fast the visualizer takes events in (issue 4: >= 100,000 events/s):
//   BM_ModelAdd        Model::add alone (derive through wire, connections, stats, eviction)
//   BM_ParseEventLine  the mirror client's share: one JSON line -> wire::Event
//   BM_MirrorPath      the whole path: JSON line -> parse -> Inbox (mutex) -> take -> Model::add
// Events: fixtures/captures/demo-deterministic.jsonl when present, else the
// synthetic test capture, repeated with shifted seq and conn ids.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "model/inbox.h"
#include "model/model.h"
#include "synthetic_capture.h"
#include "wire/capture.h"

namespace {

std::vector<wire::Event> base_events() {
  const std::string fixture = std::string(WIRELAB_SOURCE_DIR) + "/fixtures/captures/demo-deterministic.jsonl";
  if (std::filesystem::exists(fixture)) {
    if (auto events = wire::read_capture_file(fixture)) return std::move(events).value();
  }
  return viz::testing::synthetic_chat({20, 1000});
}

// n events: the capture repeated, hello once, seq increasing, conns shifted per round.
const std::vector<wire::Event>& events(std::size_t n) {
  static std::vector<wire::Event> all;
  if (all.size() >= n) return all;
  const auto base = base_events();
  all.clear();
  std::uint64_t seq = 0;
  for (std::uint64_t round = 0; all.size() < n; ++round) {
    for (const auto& e : base) {
      if (round > 0 && std::holds_alternative<wire::Hello>(e.body)) continue;
      wire::Event c = e;
      c.seq = seq++;
      c.t_us += static_cast<std::int64_t>(round) * 60'000'000;
      std::visit([&](auto& b) {
        if constexpr (requires { b.conn; }) b.conn += round * 1000;
      }, c.body);
      all.push_back(std::move(c));
      if (all.size() >= n) break;
    }
  }
  return all;
}

void BM_ModelAdd(benchmark::State& state) {
  const auto& evs = events(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    viz::Model m;
    for (const auto& e : evs) m.add(e);
    benchmark::DoNotOptimize(m.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ModelAdd)->Arg(200'000)->Unit(benchmark::kMillisecond);

void BM_ParseEventLine(benchmark::State& state) {
  const auto& evs = events(20'000);
  std::vector<std::string> lines;
  for (const auto& e : evs) lines.push_back(wire::to_json_line(e));
  for (auto _ : state) {
    for (const auto& l : lines) benchmark::DoNotOptimize(wire::parse_event_line(l));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * lines.size()));
}
BENCHMARK(BM_ParseEventLine)->Unit(benchmark::kMillisecond);

void BM_MirrorPath(benchmark::State& state) {
  const auto& evs = events(static_cast<std::size_t>(state.range(0)));
  std::vector<std::string> lines;
  for (const auto& e : evs) lines.push_back(wire::to_json_line(e));
  for (auto _ : state) {
    viz::Inbox inbox;
    viz::Model m;
    std::vector<wire::Event> batch;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (auto e = wire::parse_event_line(lines[i])) inbox.push(std::move(e).value());
      if (i % 1000 == 999) {   // the UI thread drains once per frame
        batch.clear();
        inbox.take(batch);
        for (auto& e : batch) m.add(std::move(e));
      }
    }
    batch.clear();
    inbox.take(batch);
    for (auto& e : batch) m.add(std::move(e));
    benchmark::DoNotOptimize(m.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_MirrorPath)->Arg(100'000)->Unit(benchmark::kMillisecond);

}  // namespace
