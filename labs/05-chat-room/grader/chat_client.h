// The grader's side of labs 5 and 6: the student's server in a thread on a free port of 127.0.0.1, and a
// raw-socket WebSocket client that speaks the chat's JSON. Every wait is bounded. Lab 6's grader includes
// this file too, so everything here is inline in namespace chatgrade.
#pragma once

#include "chat.h"
#include "describe.h"
#include "grade/accept_watch.h"
#include "grade/grade.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

namespace chatgrade {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
inline constexpr auto kWait = std::chrono::seconds(5);  // the longest any single answer may take

// The grader's listening sockets by port (a client asks whether the server is accepting at all).
inline std::map<int, int>& listeners() {
  static std::map<int, int> by_port;
  return by_port;
}

// A listening socket on 127.0.0.1, port from the OS.
inline int listen_any(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    ADD_FAILURE() << "the grader could not listen on 127.0.0.1";
  }
  *port = ntohs(a.sin_port);
  listeners()[*port] = fd;
  return fd;
}

// The student's run_chat_server with `logic`, in a thread; stopped and joined when the test ends.
class Server {
 public:
  Server(ws::ChatLogic& logic, ws::ServerOptions options) : options_(std::move(options)) {
    listen_fd_ = listen_any(&port_);
    thread_ = std::thread([this, &logic] { ws::run_chat_server(listen_fd_, stop_, logic, options_); });
  }
  ~Server() {
    stop_ = true;
    thread_.join();  // a server that never returns is a timed-out test
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  ws::ServerOptions options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A masked client frame (key 37 fa 21 3d).
inline Bytes client_frame(std::uint8_t b0, std::string_view payload) {
  Bytes f = {b0};
  if (payload.size() < 126) {
    f.push_back(static_cast<std::uint8_t>(0x80 | payload.size()));
  } else if (payload.size() < 65536) {
    f.insert(f.end(), {0xfe, static_cast<std::uint8_t>(payload.size() >> 8), static_cast<std::uint8_t>(payload.size())});
  } else {
    f.push_back(0xff);
    for (int s = 56; s >= 0; s -= 8) f.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(payload.size()) >> s));
  }
  const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
  f.insert(f.end(), key, key + 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]);
  return f;
}

// One client. `name` ("A", "B", ...) labels its lines in the transcript; quiet clients log nothing (for
// crowds and for use from other threads).
// One frame as the grader's clients read it (unmasked: they are the client side).
struct Frame {
  std::uint8_t opcode = 0;
  std::string payload;
  // A close frame's code (RFC 6455 5.5.1: its first two bytes, big-endian); nothing when it has none.
  std::optional<std::uint16_t> close_code() const {
    if (payload.size() < 2) return std::nullopt;
    return static_cast<std::uint16_t>(static_cast<std::uint8_t>(payload[0]) << 8 | static_cast<std::uint8_t>(payload[1]));
  }
};

class Client {
 public:
  Client(int port, std::string name, bool quiet = false, int rcvbuf = 0)
      : port_(port), name_(std::move(name)), quiet_(quiet) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "could not connect";
  }
  ~Client() { close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }
  bool eof() const { return eof_; }
  std::optional<std::uint16_t> close_code() const { return close_code_; }

  void log(const std::string& text) const {
    if (!quiet_) grade::step(name_ + ": " + text);
  }
  void send_raw(const Bytes& b) {
    ssize_t n = ::send(fd_, b.data(), b.size(), MSG_NOSIGNAL);
    if (n > 0) bytes_sent_ += static_cast<std::uint64_t>(n);
  }
  // Every byte this client put on the wire and took off it (lab 7's measurement checks the server's count).
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t bytes_received() const { return bytes_received_; }

  // The opening handshake; true on a 101. The welcome is read by the caller (or by open()).
  bool handshake() {
    static const std::string req = "GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    log("connects and sends an opening handshake");
    send_raw(Bytes(req.begin(), req.end()));
    auto deadline = Clock::now() + kWait;
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
      Bytes b = read_exact(1, deadline);
      if (b.empty()) break;
      head += static_cast<char>(b[0]);
    }
    bool ok = head.rfind("HTTP/1.1 101", 0) == 0;
    if (!ok && unaccepted_) {
      grade::symptom("Your server accepted no connection for 2 s while this one waited in the listen queue: does "
                     "its loop poll() the listening socket and accept() when it is readable, and never block in a "
                     "call of its own (a blocking send or recv)?");
    }
    if (!ok) log("got " + grade::escape(head) + " instead of a 101");
    return ok;
  }

  // Handshake, then the welcome; its "you" label (or "" after a failure, reported).
  std::string open() {
    if (!handshake()) {
      ADD_FAILURE() << name_ << ": the handshake was not answered with 101";
      return "";
    }
    auto m = next();
    if (!m || (*m)["type"] != "welcome" || !(*m)["you"].is_string()) {
      ADD_FAILURE() << name_ << ": the first message after the 101 must be a welcome, got "
                    << (m ? m->dump() : std::string("nothing"));
      return "";
    }
    label_ = (*m)["you"];
    return label_;
  }
  const std::string& label() const { return label_; }

  void send_text(std::string_view text) {
    log("sends " + grade::escape(text, 100));
    send_raw(client_frame(0x81, text));
  }
  void send_json(const json& j) { send_text(j.dump()); }

  // The next frame of any opcode: nullopt when none came by the deadline or the connection ended.
  std::optional<Frame> next_frame(Clock::time_point deadline) {
    Bytes h = read_exact(2, deadline);
    if (h.size() < 2) return std::nullopt;
    std::uint64_t len = h[1] & 0x7f;
    std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
    Bytes e = read_exact(ext, deadline);
    if (e.size() < ext) return std::nullopt;
    if (ext > 0) {
      len = 0;
      for (auto b : e) len = len << 8 | b;
    }
    if (h[1] & 0x80) read_exact(4, deadline);  // a masked server frame: the student's lab 3 test catches it
    if (len > (1u << 24)) return std::nullopt;
    Bytes p = read_exact(static_cast<std::size_t>(len), deadline);
    if (p.size() < len) return std::nullopt;
    return Frame{static_cast<std::uint8_t>(h[0] & 0x0f), std::string(p.begin(), p.end())};
  }

  // The next text message as JSON (a message that is not JSON becomes {"not_json": text}); nullopt when
  // none came before `wait` ran out or the connection ended (a close frame's code is kept).
  std::optional<json> next(std::chrono::milliseconds wait = kWait) {
    auto deadline = Clock::now() + wait;
    while (auto f = next_frame(deadline)) {
      if (f->opcode == 0x8) {
        if (auto code = f->close_code()) close_code_ = code;
        log("got a close frame" + (close_code_ ? " with code " + std::to_string(*close_code_) : std::string()));
        return std::nullopt;
      }
      if (f->opcode != 0x1) continue;  // pings, pongs and binary frames are not chat messages
      json j = json::parse(f->payload, nullptr, false);
      if (j.is_discarded() || !j.is_object()) j = json{{"not_json", f->payload}};
      if (!quiet_) grade::got(f->payload);
      return j;
    }
    return std::nullopt;
  }

  // Skips messages until one of `type` comes; nullopt if none within `wait`.
  std::optional<json> next_of(const std::string& type, std::chrono::milliseconds wait = kWait) {
    auto deadline = Clock::now() + wait;
    while (Clock::now() < deadline) {
      auto m = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (!m) return std::nullopt;
      if (m->value("type", "") == type) return m;
    }
    return std::nullopt;
  }

  // True if nothing at all arrives within `wait` (and the connection stays open).
  bool silent_for(std::chrono::milliseconds wait) {
    auto m = next(wait);
    if (m) log("got " + m->dump() + " (nothing was expected)");
    return !m && !eof_;
  }

  // True if the server closes the TCP connection within `wait`; reads (and drops) what comes before.
  bool closed_within(std::chrono::milliseconds wait) {
    auto deadline = Clock::now() + wait;
    while (!eof_ && Clock::now() < deadline) read_exact(1 << 16, deadline);
    return eof_;
  }

  // Up to n bytes before the deadline; fewer if the server closes or time runs out.
  Bytes read_exact(std::size_t n, Clock::time_point deadline) {
    while (buffer_.size() - pos_ < n && !eof_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) {
        if (bytes_received_ == 0 && unaccepted()) break;  // nothing will come: the server is not accepting
        continue;
      }
      std::uint8_t buf[65536];
      ssize_t got = recv(fd_, buf, sizeof buf, 0);
      if (got <= 0) {
        eof_ = true;
      } else {
        buffer_.insert(buffer_.end(), buf, buf + got);
        bytes_received_ += static_cast<std::uint64_t>(got);
      }
    }
    std::size_t take = std::min(n, buffer_.size() - pos_);
    Bytes out(buffer_.begin() + static_cast<std::ptrdiff_t>(pos_), buffer_.begin() + static_cast<std::ptrdiff_t>(pos_ + take));
    pos_ += take;
    if (pos_ > 65536 || pos_ == buffer_.size()) {  // drop what was read now and then, not at every message
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos_));
      pos_ = 0;
    }
    return out;
  }

 private:
  // True once connections (this one, nothing heard on it yet) have waited in the server's accept queue for
  // 2 s without the server accepting any: every wait on this client then ends at once.
  bool unaccepted() {
    if (unaccepted_) return true;
    if (!watch_) {
      auto it = listeners().find(port_);
      if (it == listeners().end()) return false;
      watch_.emplace(it->second);
    }
    if (watch_->stalled()) {
      unaccepted_ = true;
      log("(still waiting in your server's listen queue after 2 s: it accepts no connection; the grader stops waiting)");
    }
    return unaccepted_;
  }

  int port_ = 0;
  int fd_ = -1;
  std::string name_;
  bool quiet_ = false;
  std::optional<grade::AcceptWatch> watch_;
  bool unaccepted_ = false;
  std::string label_;
  Bytes buffer_;         // received, not yet read from buffer_[pos_] on
  std::size_t pos_ = 0;
  bool eof_ = false;
  std::optional<std::uint16_t> close_code_;
  std::uint64_t bytes_sent_ = 0, bytes_received_ = 0;
};

// Each client sends {"type":"join","room":room} and reads its own joined (the others' are skipped later).
inline void join_all(std::vector<std::unique_ptr<Client>>& clients, const std::string& room) {
  for (std::size_t i = 0; i < clients.size(); ++i) {
    clients[i]->send_json({{"type", "join"}, {"room", room}});
    // everyone already in the room hears this join: drain to the new member's own joined
    for (std::size_t k = 0; k <= i; ++k) {
      auto m = clients[k]->next_of("joined");
      if (!m) {
        ADD_FAILURE() << clients[k]->name() << " got no joined after " << clients[i]->name() << " joined";
        return;
      }
    }
  }
}

}  // namespace chatgrade
