// relay::demo::Connection: one blocking TCP connection to the relay on
// 127.0.0.1, owned (closed in the destructor). Reads wait in short slices so a
// stop request ends them within ~50 ms instead of waiting out a 25 s poll.
// With tls the bytes go through OpenSSL (TLS 1.2+, ALPN http/1.1, no
// certificate check: the relay's dev certificate is self-signed and the peer
// is our own process on loopback). Failures are system errors here (the
// relay went away): they throw DemoError; the demo starts its strangers over.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace relay::demo {

using Clock = std::chrono::steady_clock;

struct DemoError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// Thrown when stop() was asked for: not an error, the way out of every wait.
struct Stopped {};

class Connection {
 public:
  Connection(std::uint16_t port, const std::atomic<bool>& stopping, bool tls = false);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void write_all(std::span<const std::uint8_t> bytes);
  void write_all(std::string_view text);
  // Reads what is there (at least 1 byte) into out; 0 when the relay closed
  // the connection. Throws DemoError at the deadline, Stopped on stop().
  std::size_t read_some(std::span<std::uint8_t> out, Clock::time_point deadline);
  bool open() const { return fd_ >= 0; }

 private:
  // Waits until fd_ is readable (or writable), in slices; throws Stopped / DemoError at the deadline.
  void wait_io(bool for_write, Clock::time_point deadline);
  void tls_handshake(Clock::time_point deadline);

  int fd_ = -1;
  const std::atomic<bool>& stopping_;
  struct Tls;
  std::unique_ptr<Tls> tls_;      // null for plain TCP
};

}  // namespace relay::demo
