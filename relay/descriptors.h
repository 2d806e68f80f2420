// Descriptors: how many the relay may hold, how libwebsockets is told, and
// what happens at the limit.
//
// The limit. The relay raises RLIMIT_NOFILE's soft limit to the hard limit
// itself (a campus relay should not depend on the shell's `ulimit -n`),
// capped at kMaxDescriptors: lws allocates two table slots (16 bytes) per
// descriptor it may use, when the context is created.
//
// lws's table. libwebsockets 4.1.6 sizes its descriptor table from the soft
// limit when the context is created, and finds a socket's connection
// (wsi_from_fd, on every event) by indexing that table. Given a smaller
// `fd_limit_per_thread` it switches to a linear search of the table on every
// event instead: behind 10,000 idle connections that search was 18% of the
// relay's time (bench/README.md, "Peers side by side"). So the relay never sets
// fd_limit_per_thread: it creates the context while the soft limit is held
// kReserve below the real one (LwsTableScope), then puts it back. lws then
// stops accepting when its table is full, and the kReserve descriptors above
// the table stay for what lws does not hold (a capture file, /proc reads) and
// keep accept() from ever meeting EMFILE.
//
// At the limit. libwebsockets 4.1.6 accepts in a loop and, when accept()
// fails with EMFILE, leaves the listening socket in the poll set, so the next
// poll() wakes at once (100% CPU and megabytes of log a second); the reserve
// above keeps that from happening, and the LwsLogGate turns what lws says at
// the limit into one line a second with counts, naming the limit:
//  - "accept: errno N": accept() failed;
//  - a connection the kernel gave a descriptor past lws's table (the
//    relay's own descriptors below it fill its last slots): the client is
//    refused (closed at once), not queued.
// lws 4.1.6 refuses such a socket itself ("Socket fd N is too high"), but its
// cleanup of the refused socket then writes past the end of the table (heap
// corruption: valgrind showed an 8-byte write just past it from
// __lws_close_free_wsi_final). So lws is never handed one: accepted sockets
// are checked in LWS_CALLBACK_FILTER_NETWORK_CONNECTION, before lws adopts
// them, and the tap checks its socketpairs before adopting them
// (fits_lws_table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace relay {

inline constexpr std::size_t kMaxDescriptors = std::size_t{1} << 16;
inline constexpr std::size_t kReserve = 32;

std::size_t descriptor_limit();     // RLIMIT_NOFILE's soft limit
std::size_t open_descriptors();     // entries of /proc/self/fd

struct RaisedLimit {
  std::size_t before = 0, now = 0, hard = 0;
};
// Soft limit := min(hard limit, kMaxDescriptors), never lowered.
RaisedLimit raise_descriptor_limit();

// lws's table for a soft limit: kReserve below it (half of it for tiny limits).
std::size_t lws_table_size(std::size_t limit);

// While alive, the soft limit is lws_table_size(limit): create the lws context
// inside one. The destructor puts the limit back.
class LwsTableScope {
 public:
  LwsTableScope();
  ~LwsTableScope();
  LwsTableScope(const LwsTableScope&) = delete;
  LwsTableScope& operator=(const LwsTableScope&) = delete;
  std::size_t table() const { return table_; }

 private:
  std::size_t limit_ = 0, table_ = 0;
};

// lws's table, once the context exists (0 before: every descriptor fits).
void set_lws_table(std::size_t table);
std::size_t lws_table();
// Whether lws may be handed descriptor `fd`; the ones that may not are counted.
bool fits_lws_table(int fd);
std::uint64_t refused_past_table();
// Whether the next descriptor the process makes (the lowest free number) fits:
// asked before lws makes a socket itself (--upstream's connect).
bool next_descriptor_fits_lws_table();
// LWS_CALLBACK_FILTER_NETWORK_CONNECTION passes the accepted socket as `in`.
inline int accepted_fd(const void* in) { return static_cast<int>(reinterpret_cast<std::intptr_t>(in)); }

class LwsLogGate {
 public:
  LwsLogGate() : refused_at_start_(refused_past_table()) {}
  // Whether to print an lws line now. A line already printed in this second
  // is counted instead; accept failures are always counted.
  bool admit(std::string_view line, std::int64_t now_us);
  // Once a second at most: the summary of what was held back ("" if nothing).
  std::string summary(std::int64_t now_us);
  // Connections not taken: accept() failed, or their descriptor was past lws's table.
  std::uint64_t accept_errors() const { return accept_errors_ + refused_past_table() - refused_at_start_; }

 private:
  std::string last_line_;
  std::int64_t window_start_us_ = 0;
  std::uint64_t held_back_ = 0;
  std::uint64_t accept_errors_ = 0, accept_errors_in_window_ = 0;
  std::uint64_t refused_at_start_;     // refused_past_table() when the gate was made
  std::uint64_t refused_before_ = refused_at_start_;   // ... and at the last summary
};

}  // namespace relay
