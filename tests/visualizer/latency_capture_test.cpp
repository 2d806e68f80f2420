// Issue 14 part 1: the latency distribution the Polling scene draws
// (model/latency.h), on its own and over the bundled capture
// fixtures/captures/latency-100ms.jsonl (two Chromium pages through
// `wirelab-relay --delay-ms 100`, made by scripts/make-fixtures), through the
// visualizer's own Model and Stats: long-poll's p90 is at least 1.5x
// WebSocket's, because some long-poll messages wait for a new poll request.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "model/latency.h"
#include "model/model.h"
#include "model/stats.h"
#include "wire/capture.h"

namespace {

std::filesystem::path capture_path() {
#ifdef WIRELAB_SOURCE_DIR
  return std::filesystem::path(WIRELAB_SOURCE_DIR) / "fixtures" / "captures" / "latency-100ms.jsonl";
#else
  return std::filesystem::path(__FILE__).parent_path() / ".." / ".." / "fixtures" / "captures" / "latency-100ms.jsonl";
#endif
}

TEST(LatencySamples, PercentilesAreNearestRank) {
  viz::LatencySamples s;
  EXPECT_FALSE(s.percentile(0.5).has_value());
  for (int ms : {50, 10, 40, 20, 30, 60, 70, 80, 90, 100}) s.add({static_cast<double>(ms), ms >= 90});
  EXPECT_DOUBLE_EQ(*s.percentile(0.5), 50.0);
  EXPECT_DOUBLE_EQ(*s.percentile(0.9), 90.0);
  EXPECT_DOUBLE_EQ(*s.percentile(1.0), 100.0);
  EXPECT_DOUBLE_EQ(*s.percentile(0.01), 10.0);
  EXPECT_EQ(s.waited(), 2U);
}

TEST(LatencySamples, KeepsTheNewestWithinItsBound) {
  viz::LatencySamples s;
  for (std::size_t i = 0; i < viz::LatencySamples::max_kept + 10; ++i) s.add({static_cast<double>(i), i < 10});
  EXPECT_EQ(s.size(), viz::LatencySamples::max_kept);
  EXPECT_EQ(s.waited(), 0U) << "the ten waited samples were the oldest and should have been dropped";
  EXPECT_DOUBLE_EQ(s.kept().front().ms, 10.0);
}

TEST(LatencyCapture, LongPollP90IsAtLeastOneAndAHalfTimesWebSockets) {
  const auto path = capture_path();
  if (!std::filesystem::exists(path)) FAIL() << "missing " << path.string() << " (scripts/make-fixtures latency makes it)";
  auto events = wire::read_capture_file(path.string());
  ASSERT_TRUE(events.ok()) << events.error().reason;
  viz::Model m;
  for (const wire::Event& e : *events) m.add(e);

  ASSERT_TRUE(m.hello().has_value());
  ASSERT_TRUE(m.hello()->link.has_value()) << "the capture's hello should announce --delay-ms";
  EXPECT_EQ(m.hello()->link->delay_ms, 100);

  const viz::LatencySamples& ws = m.stats().websocket().latency_samples;
  const viz::LatencySamples& lp = m.stats().long_poll().latency_samples;
  ASSERT_GE(ws.size(), 5U) << "WebSocket deliveries matched to their sends";
  ASSERT_GE(lp.size(), 5U) << "long-poll deliveries matched to their sends";
  const double ws_p50 = *ws.percentile(0.5), ws_p90 = *ws.percentile(0.9);
  const double lp_p50 = *lp.percentile(0.5), lp_p90 = *lp.percentile(0.9);
  std::printf("WebSocket: %zu messages, p50 %.1f ms, p90 %.1f ms\n", ws.size(), ws_p50, ws_p90);
  std::printf("long-poll: %zu messages (%zu waited for a poll), p50 %.1f ms, p90 %.1f ms\n", lp.size(), lp.waited(),
              lp_p50, lp_p90);
  EXPECT_GE(lp_p90, 1.5 * ws_p90) << "long-poll p90 " << lp_p90 << " ms, WebSocket p90 " << ws_p90 << " ms";
  // One trip each way at least: the mirror stamps at the client's end of the simulated wire.
  for (const viz::LatencySample& s : ws.kept()) EXPECT_GE(s.ms, 200.0) << "a WebSocket message under 2 x 100 ms";
  for (const viz::LatencySample& s : lp.kept()) EXPECT_GE(s.ms, 200.0) << "a long-poll message under 2 x 100 ms";
  EXPECT_EQ(ws.waited(), 0U) << "a WebSocket message never waits for a request";
  ASSERT_GE(lp.waited(), 3U) << "the script sends the second line of each pair while no poll is held";
}

}  // namespace
