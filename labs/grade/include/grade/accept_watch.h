// For network graders (labs 4-8): is the student's server accepting connections at all? A client waiting
// for its first answer from a server that never calls accept() (a starter, or a loop stuck in a blocking
// call) would otherwise wait its whole timeout, test after test; with this it gives up after a grace period.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>

namespace grade {

// Connections waiting in a listening socket's accept queue (the kernel completed their handshake; the
// server has not accept()ed them): Linux's TCP_INFO on a listening socket reports that backlog in
// tcpi_unacked. -1 when it cannot be read (not a listening TCP socket).
inline int accept_queue_length(int listen_fd) {
  int listening = 0;
  socklen_t len = sizeof listening;
  if (getsockopt(listen_fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || !listening) return -1;
  tcp_info info{};
  len = sizeof info;
  if (getsockopt(listen_fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0) return -1;
  return static_cast<int>(info.tcpi_unacked);
}

// Ask stalled() now and then while waiting: true once connections have waited in the accept queue for
// `grace` without the server accepting a single one (the queue never shrank meanwhile). A live poll()
// loop accepts within milliseconds, even on a busy machine, so the verdict is the one the full wait
// would have given, only sooner.
class AcceptWatch {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AcceptWatch(int listen_fd, std::chrono::milliseconds grace = std::chrono::seconds(2))
      : fd_(listen_fd), grace_(grace), since_(Clock::now()) {}

  bool stalled() {
    int queued = accept_queue_length(fd_);
    auto now = Clock::now();
    if (queued <= 0 || queued < last_) since_ = now;  // nothing waits, or the server accepted one
    last_ = queued;
    return queued > 0 && now - since_ >= grace_;
  }

 private:
  int fd_;
  std::chrono::milliseconds grace_;
  Clock::time_point since_;
  int last_ = 0;
};

}  // namespace grade
