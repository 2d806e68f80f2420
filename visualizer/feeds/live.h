// The live feed: the mirror client's events, handed over through the Inbox.
// While paused (step mode) new events queue here and the status bar shows
// "N new"; Right reveals them one at a time. A `hello` whose seq goes back
// means the relay restarted: the model starts afresh.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "feeds/feed.h"
#include "feeds/mirror_client.h"
#include "model/inbox.h"

namespace viz {

class LiveFeed final : public Feed {
 public:
  // Per frame, events go into the model in chunks of kChunk until kDrainBudget
  // has passed or kMaxPerFrame were taken, so a burst never stalls one frame:
  // the rest waits in the inbox (or held_) for the next frame, in order, none lost.
  // 6 ms is ~4,500 events at ~1.3 us each: 100,000 events/s needs ~1,700 per 17 ms frame.
  static constexpr std::size_t kMaxPerFrame = 20'000;
  static constexpr std::size_t kChunk = 256;
  static constexpr std::chrono::microseconds kDrainBudget{6'000};
  static constexpr std::size_t kMaxHeld = 200'000;   // queued while paused; beyond: oldest dropped, counted

  LiveFeed(const std::string& url, WsUrl parsed);
  ~LiveFeed() override;

  void update(double dt, Model& model) override;
  std::optional<std::uint64_t> step_forward(Model& model) override;
  bool step_back(Model&) override { return false; }
  void set_paused(bool paused) override { paused_ = paused; }
  bool paused() const override { return paused_; }
  bool live() const override { return true; }
  std::size_t waiting() const override { return held_.size(); }
  std::string source() const override { return "live " + url_; }
  std::string state() const override;
  bool ok() const override { return client_->state() == MirrorState::connected; }
  std::uint64_t lost() const override { return held_dropped_ + inbox_.refused(); }

  const MirrorClient& client() const { return *client_; }
  Inbox& inbox() { return inbox_; }   // tests and benchmarks push straight in
  // Tests: 0 takes exactly one chunk per frame (deterministic); default kDrainBudget.
  void set_drain_budget(std::chrono::microseconds budget) { drain_budget_ = budget; }
  // Seconds the feed has waited without ever connecting (0 once connected).
  double unconnected_for() const { return client_->connects() ? 0.0 : unconnected_s_; }

 private:
  void append(wire::Event e, Model& model);

  std::string url_;
  Inbox inbox_;
  std::unique_ptr<MirrorClient> client_;
  std::deque<wire::Event> held_;
  std::vector<wire::Event> batch_;
  std::uint64_t held_dropped_ = 0;
  std::optional<std::uint64_t> last_seq_;
  double unconnected_s_ = 0.0;
  bool paused_ = false;
  std::chrono::microseconds drain_budget_ = kDrainBudget;
};

}  // namespace viz
