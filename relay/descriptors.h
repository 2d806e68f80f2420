// Out of file descriptors, the relay must not spin. libwebsockets 4.1.6
// accepts in a loop and, when accept() fails with EMFILE, logs
// "accept: errno 24" and leaves the listening socket in the poll set, so the
// next poll() wakes at once: 100% CPU and megabytes of log a second.
// What the relay does about it:
//  - lws_fd_limit(): the context's fd_limit_per_thread, set a reserve below
//    RLIMIT_NOFILE, so lws's own accept modulation (it stops polling the
//    listeners when its table is one short of that limit, and resumes when a
//    connection closes) acts before the kernel refuses;
//  - LwsLogGate: lws error lines that repeat (accept: errno 24, "no space for
//    new conn") are counted and summarised at most once a second.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace relay {

std::size_t descriptor_limit();     // RLIMIT_NOFILE's soft limit
std::size_t open_descriptors();     // entries of /proc/self/fd
// fd_limit_per_thread for lws: reserve descriptors below the limit for what
// lws does not count (stdio, a capture file, its own event pipe) and for a
// tapped client's socketpair (each client is three descriptors).
unsigned lws_fd_limit(std::size_t limit);

class LwsLogGate {
 public:
  // Whether to print an lws line now. A line already printed in this second
  // is counted instead; accept failures are always counted.
  bool admit(std::string_view line, std::int64_t now_us);
  // Once a second at most: the summary of what was held back ("" if nothing).
  std::string summary(std::int64_t now_us);
  std::uint64_t accept_errors() const { return accept_errors_; }

 private:
  std::string last_line_;
  std::int64_t window_start_us_ = 0;
  std::uint64_t held_back_ = 0;
  std::uint64_t accept_errors_ = 0, accept_errors_in_window_ = 0;
};

}  // namespace relay
