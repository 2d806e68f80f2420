// Lab 4 reference solution, part 2: a poll()-based echo server built from labs 1-4.
// One loop, many clients; each connection goes handshake -> open -> closing. Sockets are non-blocking:
// every byte to send goes into the connection's output buffer, written when poll() says POLLOUT, so a
// client that does not read stalls nobody but itself.
#include "message.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <string>

namespace ws {
namespace {

using Clock = std::chrono::steady_clock;

// Above this many unsent bytes a connection is not read from until the client reads its echoes
// (backpressure): a client that sends without reading cannot make the server's memory grow.
constexpr std::size_t kMaxUnsent = 1 << 20;

enum class State { handshake, open, closing };

struct Connection {  // one per client, owned by the server's map
  State state = State::handshake;
  std::string head;               // request bytes until the head is complete (lab 1)
  FrameReader reader;             // frames after the 101 (lab 2)
  Session session;                // messages and control frames (lab 4)
  std::vector<std::uint8_t> out;  // bytes to send; out[0, sent) are already sent
  std::size_t sent = 0;
  Clock::time_point closing_since;

  std::size_t unsent() const { return out.size() - sent; }
  void queue(std::span<const std::uint8_t> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
  void queue(const std::string& text) { queue(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())); }
};

// After the last queued byte is sent the server stops writing (shutdown SHUT_WR, once out is empty) and
// drops what the client still sends until it closes too: closing at once could reset the connection
// before the client read our close frame (7.1.1).
void start_closing(Connection& c) {
  c.state = State::closing;
  c.closing_since = Clock::now();
}

// Handles the frames buffered in c.reader, queueing each answer; moves to closing when one ends the connection.
void handle_frames(Connection& c) {
  while (c.state == State::open) {
    FrameResult fr = c.reader.next();
    if (fr.status == DecodeStatus::need_more) return;
    if (fr.status == DecodeStatus::invalid) return c.queue(close_frame(1002)), start_closing(c);
    if (fr.status == DecodeStatus::too_big) return c.queue(close_frame(1009)), start_closing(c);
    Frame frame = std::move(fr.frame);
    if (!check_masking(Role::server, frame.header).empty()) return c.queue(close_frame(1002)), start_closing(c);  // 5.1
    unmask_frame(frame);
    Reaction r = c.session.on_frame(frame);
    if (r.message) c.queue(encode_frame(Role::server, r.message->opcode, r.message->payload));
    c.queue(r.reply);
    if (r.close_connection) start_closing(c);
  }
}

// The request head so far: answer it once it is complete (lab 1); frames right behind it go to the reader.
void on_head(Connection& c) {
  ParseResult p = parse_request(c.head);
  if (p.status == ParseStatus::need_more) return;
  if (p.status == ParseStatus::invalid) {
    c.queue(serialize_response(Response{400, "Bad Request", {}}));
    return start_closing(c);
  }
  Response answer = answer_upgrade(p.request);
  c.queue(serialize_response(answer));
  if (answer.status != 101) return start_closing(c);
  c.state = State::open;
  std::string rest = c.head.substr(p.head_len);
  c.reader.feed(std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()));
  c.head.clear();
}

// Reads what the client sent; false when the connection is finished.
bool on_readable(int fd, Connection& c) {
  std::uint8_t buf[16384];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
  if (n == 0) return false;
  std::span<const std::uint8_t> bytes(buf, static_cast<std::size_t>(n));
  if (c.state == State::closing) return true;  // drop: we are waiting for the client to close
  if (c.state == State::handshake) {
    c.head.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    on_head(c);
  } else {
    c.reader.feed(bytes);
  }
  handle_frames(c);
  return true;
}

// Sends as much of the output buffer as the kernel takes now; false when the connection is finished.
bool on_writable(int fd, Connection& c) {
  while (c.unsent() > 0) {
    ssize_t n = send(fd, c.out.data() + c.sent, c.unsent(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;  // full: wait for POLLOUT
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    c.sent += static_cast<std::size_t>(n);
  }
  c.out.clear();
  c.sent = 0;
  if (c.state == State::closing) shutdown(fd, SHUT_WR);
  return true;
}

short events_for(const Connection& c) {
  short events = 0;
  if (c.unsent() < kMaxUnsent) events |= POLLIN;
  if (c.unsent() > 0) events |= POLLOUT;
  return events;
}

}  // namespace

void run_echo_server(int listen_fd, const std::atomic<bool>& stop) {
  std::map<int, Connection> connections;  // by socket
  while (!stop) {
    std::vector<pollfd> fds{{listen_fd, POLLIN, 0}};
    for (auto& [fd, c] : connections) fds.push_back({fd, events_for(c), 0});
    if (poll(fds.data(), fds.size(), 100) < 0) continue;  // wake up at least every 100 ms to see `stop`

    if (fds[0].revents & POLLIN) {
      int fd = accept(listen_fd, nullptr, nullptr);
      if (fd >= 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);  // send() and recv() never wait
        connections.try_emplace(fd);
      }
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = connections.find(fds[i].fd);
      bool alive = true;
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) alive = on_readable(it->first, it->second);
      if (alive && it->second.unsent() > 0) alive = on_writable(it->first, it->second);
      if (!alive) {
        close(it->first);
        connections.erase(it);
      }
    }
    // A client that never closes its side gets 1 s after our close frame.
    for (auto it = connections.begin(); it != connections.end();) {
      if (it->second.state == State::closing && Clock::now() - it->second.closing_since > std::chrono::seconds(1)) {
        close(it->first);
        it = connections.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& [fd, c] : connections) close(fd);
}

}  // namespace ws
