// ReplayFeed: a capture clock over a loaded capture.
#include "feeds/replay.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "wire/capture.h"

namespace viz {

ReplayFeed::ReplayFeed(std::vector<wire::Event> events, std::string name)
    : events_(std::move(events)), name_(std::move(name)), clock_us_(start_us()) {}

wire::Result<std::vector<wire::Event>> ReplayFeed::load(const std::string& path) {
  return wire::read_capture_file(path);
}

void ReplayFeed::update(double dt, Model& model) {
  if (paused_ || finished()) return;
  clock_us_ += static_cast<std::int64_t>(dt * speed_ * 1e6);
  while (position_ < events_.size() && events_[position_].t_us <= clock_us_) {
    model.add(events_[position_]);
    ++position_;
  }
}

std::optional<std::uint64_t> ReplayFeed::step_forward(Model& model) {
  if (finished()) return std::nullopt;
  const wire::Event& e = events_[position_];
  model.add(e);
  ++position_;
  clock_us_ = e.t_us;
  return e.seq;
}

bool ReplayFeed::step_back(Model& model) {
  if (position_ == 0) return false;
  seek(position_ - 1, model);
  return true;
}

void ReplayFeed::seek(std::size_t index, Model& model) {
  index = std::min(index, events_.size());
  if (index < position_) {
    model.clear();
    position_ = 0;
  }
  while (position_ < index) model.add(events_[position_++]);
  clock_us_ = position_ == 0 ? start_us() : events_[position_ - 1].t_us;
}

void ReplayFeed::set_speed(double speed) { speed_ = std::clamp(speed, kMinSpeed, kMaxSpeed); }

std::string ReplayFeed::state() const {
  char buf[96];
  const double at = static_cast<double>(clock_us_ - start_us()) / 1e6;
  const double total = static_cast<double>(end_us() - start_us()) / 1e6;
  if (finished()) {
    std::snprintf(buf, sizeof buf, "finished (%.1f s)", total);
  } else {
    std::snprintf(buf, sizeof buf, "%s %.2gx  %.1f / %.1f s", paused_ ? "paused" : "playing", speed_, at, total);
  }
  return buf;
}

std::string file_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

namespace {
#ifndef WIRELAB_FIXTURE_DIR
#define WIRELAB_FIXTURE_DIR ""
#endif
#ifndef WIRELAB_INSTALLED_FIXTURE_DIR
#define WIRELAB_INSTALLED_FIXTURE_DIR ""
#endif

std::vector<std::string> captures_in(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return out;
  for (const auto& de : std::filesystem::directory_iterator(dir, ec)) {
    if (de.path().extension() == ".jsonl") out.push_back(de.path().string());
  }
  // demo-deterministic first, then by name.
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    const bool da = file_name(a).rfind("demo", 0) == 0, db = file_name(b).rfind("demo", 0) == 0;
    return da != db ? da : a < b;
  });
  return out;
}
}  // namespace

std::vector<std::string> bundled_captures() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path dirs[] = {
      WIRELAB_FIXTURE_DIR, WIRELAB_INSTALLED_FIXTURE_DIR,
      ec ? std::filesystem::path() : exe.parent_path().parent_path() / "share" / "wirelab" / "captures"};
  for (const auto& d : dirs) {
    auto found = captures_in(d);
    if (!found.empty()) return found;
  }
  return {};
}

}  // namespace viz
