// Descriptor limit, lws's table and the lws log gate (see descriptors.h).
#include "relay/descriptors.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fmt/core.h>

namespace relay {

namespace {
constexpr std::int64_t kWindowUs = 1'000'000;

bool set_soft_limit(std::size_t soft) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return false;
  rl.rlim_cur = static_cast<rlim_t>(soft);
  return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}
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

RaisedLimit raise_descriptor_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return {};
  RaisedLimit r;
  r.before = static_cast<std::size_t>(rl.rlim_cur);
  r.hard = rl.rlim_max == RLIM_INFINITY ? kMaxDescriptors : static_cast<std::size_t>(rl.rlim_max);
  const std::size_t want = std::min(r.hard, kMaxDescriptors);
  r.now = r.before;
  if (want > r.before && set_soft_limit(want)) r.now = want;
  return r;
}

std::size_t lws_table_size(std::size_t limit) {
  return limit > 2 * kReserve ? limit - kReserve : limit / 2;
}

LwsTableScope::LwsTableScope() : limit_(descriptor_limit()), table_(lws_table_size(limit_)) {
  if (!set_soft_limit(table_)) table_ = limit_;   // lws then sizes its table to the whole limit
}

LwsTableScope::~LwsTableScope() {
  if (table_ != limit_) set_soft_limit(limit_);
}

namespace {
std::size_t g_table = 0;
std::uint64_t g_refused = 0;
}  // namespace

void set_lws_table(std::size_t table) { g_table = table; }
std::size_t lws_table() { return g_table; }

bool fits_lws_table(int fd) {
  if (g_table == 0 || (fd >= 0 && static_cast<std::size_t>(fd) < g_table)) return true;
  ++g_refused;
  return false;
}

std::uint64_t refused_past_table() { return g_refused; }

bool next_descriptor_fits_lws_table() {
  const int probe = open("/dev/null", O_RDONLY | O_CLOEXEC);   // the lowest free number, as socket() would get
  if (probe < 0) return false;
  const bool fits = fits_lws_table(probe);
  close(probe);
  return fits;
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
  const double secs = static_cast<double>(now_us - window_start_us_) / 1e6;
  std::string out;
  if (const std::uint64_t refused = refused_past_table() - refused_before_; refused > 0) {
    out = fmt::format("refused {} connections in the last {:.1f} s ({} in all): libwebsockets' table of {} descriptors "
                      "is full (ulimit -n {}; each tapped client takes 3, a --no-tap client 1)",
                      refused, secs, refused_past_table() - refused_at_start_, lws_table(), descriptor_limit());
  }
  if (accept_errors_in_window_ > 0) {
    if (!out.empty()) out += "; ";
    out += fmt::format("accept failed {} times in the last {:.1f} s ({} in all; errno 24 is the descriptor limit, {}): "
                       "new clients wait in the kernel's queue until connections close",
                       accept_errors_in_window_, secs, accept_errors_, descriptor_limit());
  }
  if (out.empty() && held_back_ > 0) {
    out = fmt::format("{} repeated libwebsockets lines held back in the last {:.1f} s", held_back_, secs);
  }
  held_back_ = 0;
  accept_errors_in_window_ = 0;
  refused_before_ = refused_past_table();
  last_line_.clear();
  window_start_us_ = now_us;
  return out;
}

}  // namespace relay
