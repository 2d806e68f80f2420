// Descriptor limit and the lws log gate (see descriptors.h).
#include "relay/descriptors.h"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/core.h>

namespace relay {

namespace {
constexpr std::size_t kReserve = 32;
constexpr std::int64_t kWindowUs = 1'000'000;
}  // namespace

std::size_t descriptor_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  return static_cast<std::size_t>(rl.rlim_cur);
}

std::size_t open_descriptors() {
  std::error_code ec;
  std::size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

unsigned lws_fd_limit(std::size_t limit) {
  // lws sizes tables by this: keep huge container limits (2^20) modest.
  const std::size_t capped = std::min<std::size_t>(limit, 1 << 16);
  return static_cast<unsigned>(capped > 2 * kReserve ? capped - kReserve : capped / 2);
}

bool LwsLogGate::admit(std::string_view line, std::int64_t /*now_us*/) {
  if (line.find("accept: errno") != std::string_view::npos) {
    ++accept_errors_;
    ++accept_errors_in_window_;
    return false;
  }
  if (line == last_line_) {
    ++held_back_;
    return false;
  }
  last_line_ = std::string(line);
  return true;
}

std::string LwsLogGate::summary(std::int64_t now_us) {
  if (now_us - window_start_us_ < kWindowUs) return {};
  std::string out;
  if (accept_errors_in_window_ > 0) {
    out = fmt::format("accept failed {} times in the last {:.1f} s ({} in all; errno 24 is the descriptor limit, {}): "
                      "new clients wait in the kernel's queue until connections close",
                      accept_errors_in_window_, static_cast<double>(now_us - window_start_us_) / 1e6, accept_errors_,
                      descriptor_limit());
  } else if (held_back_ > 0) {
    out = fmt::format("{} repeated libwebsockets lines held back in the last {:.1f} s", held_back_,
                      static_cast<double>(now_us - window_start_us_) / 1e6);
  }
  held_back_ = 0;
  accept_errors_in_window_ = 0;
  last_line_.clear();
  window_start_us_ = now_us;
  return out;
}

}  // namespace relay
