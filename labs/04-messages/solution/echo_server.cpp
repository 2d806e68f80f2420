// Lab 4 reference solution, part 2: a poll()-based echo server built from labs 1-4.
// One loop, many clients; each connection goes handshake -> open -> closing.
#include "message.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <string>

namespace ws {
namespace {

using Clock = std::chrono::steady_clock;

enum class State { handshake, open, closing };

struct Connection {  // one per client, owned by the server's map
  State state = State::handshake;
  std::string head;               // request bytes until the head is complete (lab 1)
  FrameReader reader;             // frames after the 101 (lab 2)
  Session session;                // messages and control frames (lab 4)
  Clock::time_point closing_since;
};

bool send_all(int fd, std::span<const std::uint8_t> bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

bool send_text(int fd, const std::string& text) {
  return send_all(fd, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// Sends a close frame, then stops writing; the client's last bytes are read and dropped until it
// closes too (closing at once could reset the connection before the close frame is read, 7.1.1).
void start_closing(int fd, Connection& c, std::uint16_t code) {
  send_all(fd, close_frame(code));
  shutdown(fd, SHUT_WR);
  c.state = State::closing;
  c.closing_since = Clock::now();
}

// Handles the frames buffered in c.reader, answering each; moves to closing when one ends the connection.
void handle_frames(int fd, Connection& c) {
  while (c.state == State::open) {
    FrameResult fr = c.reader.next();
    if (fr.status == DecodeStatus::need_more) return;
    if (fr.status == DecodeStatus::invalid) return start_closing(fd, c, 1002);
    if (fr.status == DecodeStatus::too_big) return start_closing(fd, c, 1009);
    Frame frame = std::move(fr.frame);
    if (!check_masking(Role::server, frame.header).empty()) return start_closing(fd, c, 1002);  // 5.1
    unmask_frame(frame);
    Reaction r = c.session.on_frame(frame);
    if (r.message) send_all(fd, encode_frame(Role::server, r.message->opcode, r.message->payload));
    if (!r.reply.empty()) send_all(fd, r.reply);
    if (r.close_connection) {
      shutdown(fd, SHUT_WR);
      c.state = State::closing;
      c.closing_since = Clock::now();
    }
  }
}

// Reads what the client sent; false when the connection is finished.
bool on_readable(int fd, Connection& c) {
  std::uint8_t buf[16384];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  if (n <= 0) return false;
  std::span<const std::uint8_t> bytes(buf, static_cast<std::size_t>(n));
  if (c.state == State::closing) return true;  // drop: we are waiting for the client to close
  if (c.state == State::handshake) {
    c.head.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    ParseResult p = parse_request(c.head);
    if (p.status == ParseStatus::need_more) return true;
    if (p.status == ParseStatus::invalid) {
      send_text(fd, serialize_response(Response{400, "Bad Request", {}}));
      return false;
    }
    Response answer = answer_upgrade(p.request);
    send_text(fd, serialize_response(answer));
    if (answer.status != 101) return false;
    c.state = State::open;
    std::string rest = c.head.substr(p.head_len);  // frames sent right behind the head
    c.reader.feed(std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()));
    c.head.clear();
  } else {
    c.reader.feed(bytes);
  }
  handle_frames(fd, c);
  return true;
}

}  // namespace

void run_echo_server(int listen_fd, const std::atomic<bool>& stop) {
  std::map<int, Connection> connections;  // by socket
  while (!stop) {
    std::vector<pollfd> fds{{listen_fd, POLLIN, 0}};
    for (auto& [fd, c] : connections) fds.push_back({fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), 100) < 0) continue;  // wake up at least every 100 ms to see `stop`

    if (fds[0].revents & POLLIN) {
      int fd = accept(listen_fd, nullptr, nullptr);
      if (fd >= 0) connections.try_emplace(fd);
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto it = connections.find(fds[i].fd);
      if (!on_readable(it->first, it->second)) {
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
