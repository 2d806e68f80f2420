// Lab 4 grader, task 4: your echo server, run on 127.0.0.1 (a port from the OS) in a thread of the test,
// driven by the grader's own client: a small conformance set (handshake, lengths, fragmentation,
// control frames, UTF-8, close codes, two clients at once).
#include "grade/accept_watch.h"
#include "grade/grade.h"
#include "message.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

namespace {

using Bytes = std::vector<std::uint8_t>;
using Clock = std::chrono::steady_clock;
constexpr auto kWait = std::chrono::seconds(5);  // the longest the client waits for any answer
int g_listen_fd = -1;                            // the running Server's (a test runs one at a time)

// Your server in a thread, on a free port; stopped and joined when the test ends.
class Server {
 public:
  Server() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(listen_fd_, 16) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "the grader could not listen on 127.0.0.1";
    }
    port_ = ntohs(a.sin_port);
    g_listen_fd = listen_fd_;
    thread_ = std::thread([this] { ws::run_echo_server(listen_fd_, stop_); });
  }
  ~Server() {
    stop_ = true;
    thread_.join();  // a server that never returns is a timed-out test
    close(listen_fd_);
    g_listen_fd = -1;
  }
  int port() const { return port_; }

 private:
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The grader's client: raw bytes, every wait bounded.
class Client {
 public:
  // rcvbuf > 0: a small fixed receive buffer (set before connect, so the kernel does not grow it), so a
  // client that reads nothing fills quickly and a server that blocks on it shows it every run.
  explicit Client(int port, int rcvbuf = 0) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "could not connect";
  }
  ~Client() { close(fd_); }

  void send_text(const std::string& s) {
    grade::sent(s);
    send_raw(Bytes(s.begin(), s.end()));
  }
  void send_raw(const Bytes& b) { (void)!::send(fd_, b.data(), b.size(), MSG_NOSIGNAL); }

  // A masked frame from the client (key 37 fa 21 3d).
  void send_frame(std::uint8_t b0, const Bytes& payload, bool mask = true) {
    Bytes f = client_frame(b0, payload, mask);
    grade::step("send frame " + grade::hex(Bytes(f.begin(), f.begin() + std::min<std::size_t>(f.size(), 14))) +
                (f.size() > 14 ? "… (" + std::to_string(payload.size()) + " bytes of payload)" : std::string()));
    send_raw(f);
  }

  // The frame bytes send_frame sends (no transcript: safe from a second thread).
  static Bytes client_frame(std::uint8_t b0, const Bytes& payload, bool mask = true) {
    Bytes f = {b0};
    std::uint8_t m = mask ? 0x80 : 0;
    if (payload.size() < 126) {
      f.push_back(static_cast<std::uint8_t>(m | payload.size()));
    } else if (payload.size() < 65536) {
      f.insert(f.end(), {static_cast<std::uint8_t>(m | 126), static_cast<std::uint8_t>(payload.size() >> 8),
                         static_cast<std::uint8_t>(payload.size())});
    } else {
      f.push_back(static_cast<std::uint8_t>(m | 127));
      for (int s = 56; s >= 0; s -= 8) f.push_back(static_cast<std::uint8_t>(payload.size() >> s));
    }
    const std::uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (mask) f.insert(f.end(), key, key + 4);
    for (std::size_t i = 0; i < payload.size(); ++i) f.push_back(mask ? payload[i] ^ key[i % 4] : payload[i]);
    return f;
  }
  int fd() const { return fd_; }

  // Up to `n` bytes within the deadline; fewer if the server closes or time runs out.
  Bytes read_exact(std::size_t n, Clock::time_point deadline) {
    while (buffer_.size() < n && !eof_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::min<long long>(left, 100))) <= 0) {
        if (!heard_ && unaccepted()) break;  // nothing will come: the server is not accepting
        continue;
      }
      std::uint8_t buf[65536];
      ssize_t got = recv(fd_, buf, sizeof buf, 0);
      if (got <= 0) eof_ = true;
      else buffer_.insert(buffer_.end(), buf, buf + got);
      heard_ = heard_ || got > 0;
    }
    std::size_t take = std::min(n, buffer_.size());
    Bytes out(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(take));
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(take));
    return out;
  }

  // The response head, up to "\r\n\r\n" (or what came before a timeout).
  // `explain`: give the "sent nothing" hint when nothing came (a test with a better diagnosis says false).
  std::string read_head(bool explain = true) {
    auto deadline = Clock::now() + kWait;
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
      Bytes b = read_exact(1, deadline);
      if (b.empty()) break;
      head += static_cast<char>(b[0]);
    }
    grade::got(head);
    if (head.empty() && explain && unaccepted_) {
      grade::symptom("Your server accepted no connection for 2 s while this one waited in the listen queue. Is it "
                     "accepting (poll() the listening socket, accept() when it is readable), and never blocked in a "
                     "call of its own (a blocking send or recv)?");
    } else if (head.empty() && explain) {
      grade::symptom("Your server sent nothing back within 5 s. Is it accepting (poll() the listening socket, "
                     "accept() when it is readable), reading the head with recv() until parse_request is "
                     "complete, and sending serialize_response(answer_upgrade(...))?");
    }
    return head;
  }

  struct Received { std::uint8_t b0 = 0; bool masked = false; Bytes payload; };
  // One whole frame from the server, or nullopt (after 5 s, or the connection closed).
  std::optional<Received> read_frame() {
    auto deadline = Clock::now() + kWait;
    Bytes h = read_exact(2, deadline);
    if (h.size() < 2) {
      grade::step(h.empty() ? "(no frame came: the connection closed or 5 s passed)" : "(half a header, then nothing)");
      return std::nullopt;
    }
    std::uint64_t len = h[1] & 0x7f;
    std::size_t ext = len == 126 ? 2 : len == 127 ? 8 : 0;
    Bytes e = read_exact(ext, deadline);
    if (e.size() < ext) return std::nullopt;
    if (ext > 0) {
      len = 0;
      for (auto b : e) len = len << 8 | b;
    }
    Received r{h[0], (h[1] & 0x80) != 0, {}};
    if (r.masked) read_exact(4, deadline);
    if (len > (1u << 24)) return std::nullopt;
    r.payload = read_exact(static_cast<std::size_t>(len), deadline);
    Bytes shown = h;
    shown.insert(shown.end(), e.begin(), e.end());
    grade::got(std::span<const std::uint8_t>(shown));
    grade::step("(a frame with " + std::to_string(r.payload.size()) + " bytes of payload)");
    if (r.payload.size() < len) return std::nullopt;
    return r;
  }

  // True if the server closes the TCP connection within 5 s (nothing more to read).
  bool closed_by_server() {
    auto deadline = Clock::now() + kWait;
    while (!eof_ && Clock::now() < deadline) {
      buffer_.clear();
      read_exact(1, deadline);
    }
    return eof_;
  }

  // Sends the RFC's opening handshake; returns the status line that came back.
  std::string handshake(bool explain = true) {
    grade::step("connect to your server and send an opening handshake");
    send_text("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    std::string head = read_head(explain);
    return head.substr(0, head.find("\r\n"));
  }

 private:
  // True once connections (this one, nothing heard on it yet) have waited in the server's accept queue
  // for 2 s without the server accepting any: every wait on this client then ends at once.
  bool unaccepted() {
    if (!unaccepted_ && g_listen_fd >= 0) {
      if (!watch_) watch_.emplace(g_listen_fd);
      unaccepted_ = watch_->stalled();
      if (unaccepted_) grade::step("(still waiting in your server's listen queue after 2 s: it accepts no connection)");
    }
    return unaccepted_;
  }

  int fd_ = -1;
  Bytes buffer_;
  bool eof_ = false;
  bool heard_ = false;  // a byte came from the server on this connection
  std::optional<grade::AcceptWatch> watch_;
  bool unaccepted_ = false;
};

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

const std::string k101 = "HTTP/1.1 101 Switching Protocols";

// B's whole visit without transcript lines: the handshake, "hi" masked, its echo; true when all came
// back within 5 s. Used where the order of what a stuck server leaves unanswered depends on timing.
bool quiet_round_trip(Client& b) {
  const std::string req = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  b.send_raw(Bytes(req.begin(), req.end()));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::string got;
  bool sent_hi = false;
  const std::string echo = "\x81\x02hi";   // FIN + text, length 2, unmasked
  while (std::chrono::steady_clock::now() < deadline) {
    if (!sent_hi && got.find("\r\n\r\n") != std::string::npos) {
      if (got.rfind(k101, 0) != 0) return false;
      got.erase(0, got.find("\r\n\r\n") + 4);
      b.send_raw(Client::client_frame(0x81, Bytes{'h', 'i'}));
      sent_hi = true;
    }
    if (sent_hi && got.size() >= echo.size()) return got.compare(0, echo.size(), echo) == 0;
    pollfd p{b.fd(), POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = recv(b.fd(), buf, sizeof buf, 0);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return false;
}

void expect_echo(Client& c, std::uint8_t b0, const Bytes& payload) {
  auto f = c.read_frame();
  GRADE_ASSERT_EQ("a frame came back", true, f.has_value());
  GRADE_EXPECT_EQ("byte 0 (FIN and opcode)", b0, f->b0);
  if (f->masked) grade::symptom("A server MUST NOT mask its frames (RFC 6455 5.1): encode with Role::server.");
  GRADE_EXPECT_EQ("masked", false, f->masked);
  GRADE_EXPECT_EQ("payload", payload, f->payload);
}

void expect_close(Client& c, std::uint16_t code) {
  auto f = c.read_frame();
  GRADE_ASSERT_EQ("a close frame came", true, f.has_value());
  GRADE_EXPECT_EQ("byte 0 (a close frame)", std::uint8_t{0x88}, f->b0);
  Bytes want = {static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code & 0xff)};
  GRADE_EXPECT_EQ("close code (first 2 payload bytes)", want, Bytes(f->payload.begin(), f->payload.begin() + std::min<std::size_t>(2, f->payload.size())));
  GRADE_EXPECT_EQ("the server closed the TCP connection", true, c.closed_by_server());
}

}  // namespace

GRADED_TEST(Server, Handshake, 2,
            "Your server must answer the upgrade with your lab 1 code: 101 with the right Sec-WebSocket-Accept "
            "(426 for version 8, then close). Read until \"\\r\\n\\r\\n\" with poll(); accept on the listening "
            "socket when poll says it is readable.") {
  Server server;
  {
    Client c(server.port());
    GRADE_ASSERT_EQ("status line", k101, c.handshake());
  }
  Client c(server.port());
  grade::step("connect again and send a handshake with version 8");
  c.send_text("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n");
  std::string head = c.read_head();
  GRADE_EXPECT_EQ("status line", std::string("HTTP/1.1 426 Upgrade Required"), head.substr(0, head.find("\r\n")));
}

GRADED_TEST(Server, EchoesEveryLength, 3,
            "Read frames with your FrameReader, unmask them (lab 3) and send each message back as one unmasked "
            "frame of the same opcode: 0, 125, 126, 65535 and 65536 bytes, text and binary.") {
  Server server;
  Client c(server.port());
  GRADE_ASSERT_EQ("status line", k101, c.handshake());
  c.send_frame(0x81, text_bytes("Hello"));
  expect_echo(c, 0x81, text_bytes("Hello"));
  for (std::size_t len : {0u, 125u, 126u, 65535u, 65536u}) {
    Bytes p(len);
    for (auto& b : p) b = static_cast<std::uint8_t>(grade::rng()());
    c.send_frame(0x82, p);
    expect_echo(c, 0x82, p);
    if (testing::Test::HasFailure()) return;
  }
}

GRADED_TEST(Server, FragmentsAndPings, 2,
            "RFC 6455 5.4: a fragmented message comes back as one message; a ping between its fragments is "
            "answered with a pong at once (5.5.3).") {
  Server server;
  Client c(server.port());
  GRADE_ASSERT_EQ("status line", k101, c.handshake());
  c.send_frame(0x01, text_bytes("Hel"));
  c.send_frame(0x89, text_bytes("ping!"));
  expect_echo(c, 0x8a, text_bytes("ping!"));
  c.send_frame(0x80, text_bytes("lo"));
  expect_echo(c, 0x81, text_bytes("Hello"));
}

GRADED_TEST(Server, CloseHandshake, 2,
            "RFC 6455 5.5.1 and 7.1: answer a close with a close (the same code), then close the TCP "
            "connection.") {
  Server server;
  Client c(server.port());
  GRADE_ASSERT_EQ("status line", k101, c.handshake());
  c.send_frame(0x88, {0x03, 0xe8, 'b', 'y', 'e'});
  expect_close(c, 1000);
}

GRADED_TEST(Server, Violations, 3,
            "Fail the connection with a close frame: 1002 for an unmasked client frame (RFC 6455 5.1) and "
            "for a reserved opcode (5.2), 1007 for text that is not UTF-8 (8.1).") {
  Server server;
  struct Case { std::uint8_t b0; Bytes payload; bool mask; std::uint16_t code; const char* what; };
  const Case cases[] = {{0x81, text_bytes("Hello"), false, 1002, "an unmasked frame"},
                        {0x83, text_bytes("x"), true, 1002, "opcode 0x3"},
                        {0x81, {0xc0, 0x80}, true, 1007, "text C0 80"}};
  for (const auto& k : cases) {
    Client c(server.port());
    GRADE_ASSERT_EQ("status line", k101, c.handshake());
    grade::step(std::string("(") + k.what + ")");
    c.send_frame(k.b0, k.payload, k.mask);
    if (!k.mask) {
      grade::symptom("A server MUST close the connection on an unmasked client frame (RFC 6455 5.1): call your "
                     "check_masking(Role::server, header) on every frame and close with 1002.");
    }
    expect_close(c, k.code);
    if (testing::Test::HasFailure()) return;
  }
}

GRADED_TEST(Server, ManyClientsAtOnce, 2,
            "One poll() loop serves every client: a client that sent half a frame must not stop the others. "
            "Bytes right after the request head are already frames.") {
  Server server;
  Client a(server.port());
  GRADE_ASSERT_EQ("status line (client A)", k101, a.handshake());
  grade::step("client A sends half a frame header");
  a.send_raw({0x81});
  Client b(server.port());
  grade::step("client B: the request head and a frame in one write");
  std::string head = "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  Bytes both(head.begin(), head.end());
  both.insert(both.end(), {0x81, 0x82, 0, 0, 0, 0, 'h', 'i'});
  b.send_raw(both);
  std::string b_head = b.read_head();
  GRADE_ASSERT_EQ("status line (client B)", k101, b_head.substr(0, b_head.find("\r\n")));
  expect_echo(b, 0x81, text_bytes("hi"));
  grade::step("client A sends the rest of its frame");
  a.send_raw({0x82, 0, 0, 0, 0, 'y', 'o'});
  expect_echo(a, 0x81, text_bytes("yo"));
}

GRADED_TEST(Server, BigEchoWhileNotReading, 3,
            "A poll() server never waits on one client: make every socket non-blocking, queue each echo in that "
            "connection's output buffer, and write the buffer when poll() reports POLLOUT (stop reading from a "
            "client whose buffer is full, so it cannot grow without bound).") {
  Server server;
  Client a(server.port(), 64 * 1024);
  GRADE_ASSERT_EQ("status line (client A)", k101, a.handshake());
  constexpr std::size_t kFrames = 96, kLen = 65536;  // 6 MiB, more than the kernel buffers on loopback
  std::vector<Bytes> payloads(kFrames, Bytes(kLen));
  Bytes expected;
  for (auto& p : payloads) {
    for (auto& b : p) b = static_cast<std::uint8_t>(grade::rng()());
    expected.insert(expected.end(), {0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0});  // FIN + binary, 64-bit length 65536
    expected.insert(expected.end(), p.begin(), p.end());
  }
  grade::step("client A sends 96 binary frames of 65536 random bytes (6 MiB) and reads nothing yet");
  std::atomic<std::size_t> frames_sent{0};
  std::thread sender([&] {  // blocking sends: they stall when the server stops reading, as they should
    for (const auto& p : payloads) {
      Bytes f = Client::client_frame(0x82, p);
      if (::send(a.fd(), f.data(), f.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(f.size())) return;
      ++frames_sent;
    }
  });
  // Until A's sending is done, or has stalled for 300 ms (the server stopped reading it: fine).
  auto until = Clock::now() + std::chrono::seconds(10);
  for (std::size_t seen = 0, quiet_ms = 0; frames_sent < kFrames && quiet_ms < 300 && Clock::now() < until;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    quiet_ms = frames_sent == seen ? quiet_ms + 20 : 0;
    seen = frames_sent;
  }
  auto finish = [&] { shutdown(a.fd(), SHUT_RDWR); sender.join(); };  // unblocks the sender on a failure
  grade::step("while A reads nothing: client B connects and sends \"hi\"");
  {
    Client b(server.port());
    // B's handshake or B's echo may be the first thing a server stuck in a send() to A leaves unanswered.
    auto stuck = [] {
      grade::symptom("Client B got no answer while client A was not reading: your server is stuck in a send() "
                     "to A. A blocking write to a client that does not read stops the whole poll() loop: use "
                     "non-blocking sockets, an output buffer per connection and POLLOUT.");
    };
    // Quietly, in one step: a stuck server may leave either B's handshake or its echo unanswered,
    // depending on timing, and the transcript must read the same either way.
    if (!quiet_round_trip(b)) {
      stuck();
      ADD_FAILURE() << "client B got no 101 and echo of \"hi\" within 5 s while A was not reading";
      return finish();
    }
  }
  grade::step("client A now reads all its echoes (6 MiB + frame headers) and compares them byte for byte");
  Bytes got;
  while (got.size() < expected.size()) {  // until all came, or nothing more for 1 s
    Bytes more = a.read_exact(std::min<std::size_t>(65536, expected.size() - got.size()),
                              Clock::now() + std::chrono::seconds(1));
    if (more.empty()) break;
    got.insert(got.end(), more.begin(), more.end());
  }
  finish();
  if (got.size() < expected.size()) {
    grade::symptom("Bytes of the echo stream never came: send() on a non-blocking socket may take only part "
                   "of what you give it (it returns how much). Keep the rest in the connection's output buffer "
                   "and send it when poll() reports POLLOUT for that socket.");
  }
  GRADE_EXPECT_EQ("bytes of echo that came back", expected.size(), got.size());
  GRADE_EXPECT_EQ("the echo stream", expected, got);
}
