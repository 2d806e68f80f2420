// Replays a capture file keeping its own timing (issue 4 §1): a capture clock
// runs at `speed` (0.25x-8x) from the first event's t_us, and every event whose
// t_us it has reached is appended. Play, pause, one event forward and back,
// and seek to any index (backwards rebuilds the model from the start: the
// model is append-only by design).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "feeds/feed.h"
#include "wire/result.h"

namespace viz {

class ReplayFeed final : public Feed {
 public:
  static constexpr double kMinSpeed = 0.25;
  static constexpr double kMaxSpeed = 8.0;

  ReplayFeed(std::vector<wire::Event> events, std::string name);
  static wire::Result<std::vector<wire::Event>> load(const std::string& path);

  void update(double dt, Model& model) override;
  std::optional<std::uint64_t> step_forward(Model& model) override;
  bool step_back(Model& model) override;
  void set_paused(bool paused) override { paused_ = paused; }
  bool paused() const override { return paused_; }
  bool live() const override { return false; }
  std::size_t waiting() const override { return events_.size() - position_; }
  std::string source() const override { return "replay " + name_; }
  std::string state() const override;
  bool ok() const override { return true; }

  // Makes exactly the first `index` events visible (0 .. total()).
  void seek(std::size_t index, Model& model);
  void set_speed(double speed);      // clamped to 0.25 .. 8
  double speed() const { return speed_; }
  std::size_t position() const { return position_; }   // events revealed
  std::size_t total() const { return events_.size(); }
  std::int64_t clock_us() const { return clock_us_; }   // capture time reached
  std::int64_t start_us() const { return events_.empty() ? 0 : events_.front().t_us; }
  std::int64_t end_us() const { return events_.empty() ? 0 : events_.back().t_us; }
  bool finished() const { return position_ == events_.size(); }
  const std::vector<wire::Event>& events() const { return events_; }

 private:
  std::vector<wire::Event> events_;
  std::string name_;
  std::size_t position_ = 0;
  std::int64_t clock_us_ = 0;
  double speed_ = 1.0;
  bool paused_ = false;
};

// The bundled fixture captures (fixtures/captures/*.jsonl): from the source
// tree this binary was built from, then the installed share/wirelab/captures,
// then next to the executable. demo-deterministic first. Empty when none.
std::vector<std::string> bundled_captures();
// "demo-deterministic.jsonl" from a path.
std::string file_name(const std::string& path);

}  // namespace viz
