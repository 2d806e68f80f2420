// relay/demo's clients against tiny scripted servers on 127.0.0.1 (no relay):
// stranger A's handshake, masking and pong; stranger B's long-poll requests;
// and a stop() that does not wait out a held request.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "relay/demo/demo.h"
#include "relay/demo/http_client.h"
#include "relay/demo/keys.h"
#include "relay/demo/poll_stranger.h"
#include "relay/demo/script.h"
#include "relay/demo/ws_stranger.h"
#include "wire/frame.h"
#include "wire/handshake.h"
#include "wire/mask.h"

namespace relay::demo {
namespace {

using namespace std::chrono_literals;

// One listening socket on 127.0.0.1:0 and a thread running `script` with it.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::function<void(ScriptedServer&)> script) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, script] { script(*this); });
  }
  ~ScriptedServer() {
    thread_.join();
    for (int fd : fds_) ::close(fd);
    ::close(listen_fd_);
  }
  std::uint16_t port() const { return port_; }

  int accept_one() {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return -1;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    fds_.push_back(fd);
    return fd;
  }
  // Reads until `n` bytes are buffered for fd (5 s at most); returns them all.
  static bool read_exactly(int fd, std::string& buf, std::size_t n) {
    char chunk[4096];
    while (buf.size() < n) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return false;
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return false;
      buf.append(chunk, static_cast<std::size_t>(got));
    }
    return true;
  }
  // One HTTP request (head + Content-Length body), taken from the front of buf.
  static std::string read_request(int fd, std::string& buf) {
    char chunk[4096];
    for (;;) {
      const auto end = buf.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t body = 0;
        const auto cl = buf.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) body = std::stoul(buf.substr(cl + 16));
        if (buf.size() >= end + 4 + body) {
          std::string req = buf.substr(0, end + 4 + body);
          buf.erase(0, end + 4 + body);
          return req;
        }
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return {};
      const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
      if (got <= 0) return {};
      buf.append(chunk, static_cast<std::size_t>(got));
    }
  }
  static void write(int fd, const std::string& s) { ASSERT_EQ(::send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }
  static void write(int fd, const wire::Bytes& b) { ASSERT_EQ(::send(fd, b.data(), b.size(), MSG_NOSIGNAL), static_cast<ssize_t>(b.size())); }

 private:
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<int> fds_;
  std::thread thread_;
};

std::string header_value(const std::string& req, const std::string& name) {
  const auto at = req.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "<missing>";
  const auto start = at + 4 + name.size();
  return req.substr(start, req.find("\r\n", start) - start);
}

wire::Bytes text_bytes(std::string_view s) { return {s.begin(), s.end()}; }

// A client frame from the front of buf, unmasked; fails the test if it is not masked (5.1).
struct Decoded {
  wire::FrameHeader header;
  std::string payload;
};
Decoded take_client_frame(int fd, std::string& buf) {
  Decoded d;
  wire::FrameHeaderDecoder dec(wire::FrameRules{.from_client = true});
  EXPECT_TRUE(ScriptedServer::read_exactly(fd, buf, 2));
  auto step = dec.feed(std::span(reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size()));
  while (step.status == wire::FrameHeaderDecoder::Status::need_more) {
    buf.erase(0, step.consumed);
    EXPECT_TRUE(ScriptedServer::read_exactly(fd, buf, step.need));
    step = dec.feed(std::span(reinterpret_cast<const std::uint8_t*>(buf.data()), buf.size()));
  }
  EXPECT_EQ(step.status, wire::FrameHeaderDecoder::Status::done) << "the client's frame header broke a rule";
  buf.erase(0, step.consumed);
  d.header = step.header;
  EXPECT_TRUE(ScriptedServer::read_exactly(fd, buf, d.header.payload_len));
  wire::Bytes payload(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(d.header.payload_len));
  buf.erase(0, d.header.payload_len);
  wire::apply_mask(payload, d.header.masking_key);
  d.payload.assign(payload.begin(), payload.end());
  return d;
}

TEST(DemoWsStranger, HandshakesMasksEveryFrameAndAnswersPings) {
  std::string request;
  Decoded pong, find;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  KeySource keys(true);
  {
    ScriptedServer server([&](ScriptedServer& s) {
      const int fd = s.accept_one();
      ASSERT_GE(fd, 0);
      std::string buf;
      request = ScriptedServer::read_request(fd, buf);
      const std::string key = header_value(request, "Sec-WebSocket-Key");
      // The 101 and the first frames in one write: the client must keep the frame bytes after the head.
      std::string burst = wire::build_accept_response(key);
      for (const auto& f : {wire::encode_server_frame(wire::Opcode::text, text_bytes(R"({"type":"news"})")),
                            wire::encode_server_frame(wire::Opcode::ping, text_bytes("p1")),
                            wire::encode_server_frame(wire::Opcode::text,
                                                      text_bytes(R"({"type":"welcome","you":"Stranger 0001"})"))}) {
        burst.append(f.begin(), f.end());
      }
      ScriptedServer::write(fd, burst);
      pong = take_client_frame(fd, buf);
      find = take_client_frame(fd, buf);
    });
    port = server.port();
    WsStranger a(port, keys, stopping);
    a.connect(Clock::now() + 5s);
    const auto welcome = a.expect("welcome", Clock::now() + 5s);
    EXPECT_EQ(welcome.value("you", ""), "Stranger 0001") << welcome.dump();
    a.send_text(find_json());
  }   // the server has read both frames

  EXPECT_EQ(request.rfind("GET /chat?bot=a HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_EQ(header_value(request, "Host"), "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(header_value(request, "Sec-WebSocket-Key"), "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(header_value(request, "Sec-WebSocket-Version"), "13");
  EXPECT_EQ(header_value(request, "Upgrade"), "websocket");
  KeySource expected(true);
  EXPECT_EQ(pong.header.opcode, wire::Opcode::pong) << "the ping was not answered first";
  EXPECT_TRUE(pong.header.masked) << "5.1: a client masks every frame, pongs too";
  EXPECT_EQ(pong.payload, "p1") << "5.5.3: a pong carries the ping's payload";
  EXPECT_EQ(pong.header.masking_key, expected.next_masking_key());
  EXPECT_EQ(find.header.opcode, wire::Opcode::text);
  EXPECT_TRUE(find.header.masked);
  EXPECT_EQ(find.payload, R"({"type":"find"})");
  EXPECT_EQ(find.header.masking_key, expected.next_masking_key()) << "mask keys come from the fixed-seed PRNG in order";
}

TEST(DemoWsStranger, RefusesAWrongAccept) {
  std::atomic<bool> stopping{false};
  KeySource keys(true);
  ScriptedServer server([](ScriptedServer& s) {
    const int fd = s.accept_one();
    ASSERT_GE(fd, 0);
    std::string buf;
    ScriptedServer::read_request(fd, buf);
    ScriptedServer::write(fd, wire::build_accept_response("AAAAAAAAAAAAAAAAAAAAAA=="));   // another key's accept
  });
  WsStranger a(server.port(), keys, stopping);
  try {
    a.connect(Clock::now() + 5s);
    FAIL() << "4.1: a client must fail the connection when Sec-WebSocket-Accept does not match its key";
  } catch (const DemoError& e) {
    EXPECT_NE(std::string(e.what()).find("Sec-WebSocket-Accept"), std::string::npos) << e.what();
  }
}

TEST(DemoPollStranger, OpensSendsAndHoldsAGetLikeABrowser) {
  const std::string session = "0123456789abcdef0123456789abcdef";
  std::string open_req, recv1, recv2, send_req;
  std::uint16_t port = 0;
  std::atomic<bool> stopping{false};
  {
    ScriptedServer server([&](ScriptedServer& s) {
      const int control = s.accept_one();
      ASSERT_GE(control, 0);
      std::string cbuf, pbuf;
      open_req = ScriptedServer::read_request(control, cbuf);
      const std::string body = R"({"session":")" + session + R"("})";
      ScriptedServer::write(control, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\n\r\n" + body);
      const int poller = s.accept_one();
      ASSERT_GE(poller, 0);
      recv1 = ScriptedServer::read_request(poller, pbuf);
      const std::string welcome = R"([{"type":"welcome","you":"Stranger 0002"}])";
      ScriptedServer::write(poller, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                        std::to_string(welcome.size()) + "\r\n\r\n" + welcome);
      recv2 = ScriptedServer::read_request(poller, pbuf);   // held...
      send_req = ScriptedServer::read_request(control, cbuf);
      ScriptedServer::write(control, "HTTP/1.1 204 No Content\r\n\r\n");
      ScriptedServer::write(poller, "HTTP/1.1 204 No Content\r\n\r\n");   // 25 s passed, say
      std::string recv3 = ScriptedServer::read_request(poller, pbuf);
      const std::string two = R"([{"type":"typing","from":"x","on":true},{"type":"waiting"}])";
      ScriptedServer::write(poller, "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(two.size()) + "\r\n\r\n" + two);
      ScriptedServer::read_request(poller, pbuf);   // the next poll went out at once
    });
    port = server.port();
    PollStranger b(port, stopping);
    b.open(Clock::now() + 5s);
    EXPECT_EQ(b.session(), session);
    EXPECT_EQ(b.expect("welcome", Clock::now() + 5s).value("you", ""), "Stranger 0002");
    b.send(find_json(), Clock::now() + 5s);
    EXPECT_EQ(b.expect("waiting", Clock::now() + 5s).dump(), R"({"type":"waiting"})");
  }
  EXPECT_EQ(open_req.rfind("POST /poll/open?bot=b HTTP/1.1\r\n", 0), 0u) << open_req;
  EXPECT_EQ(header_value(open_req, "Host"), "127.0.0.1:" + std::to_string(port));
  EXPECT_EQ(header_value(open_req, "Content-Length"), "0");
  EXPECT_EQ(recv1, "GET /poll/recv?session=" + session + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                       "\r\nUser-Agent: wirelab-demo/0.1 (stranger B, long-polling)\r\nAccept: application/json\r\n\r\n");
  EXPECT_EQ(recv2, recv1) << "after an answer the next GET goes out at once";
  EXPECT_EQ(send_req.rfind("POST /poll/send?session=" + session + " HTTP/1.1\r\n", 0), 0u) << send_req;
  EXPECT_EQ(header_value(send_req, "Content-Type"), "application/json");
  EXPECT_EQ(header_value(send_req, "Content-Length"), "15");
  EXPECT_EQ(send_req.substr(send_req.size() - 15), R"({"type":"find"})");
}

TEST(DemoHttpClient, ReconnectsWhenTheRelayClosedAnIdleKeepAlive) {
  std::string second;
  std::atomic<bool> stopping{false};
  std::atomic<bool> closed{false};
  {
    ScriptedServer server([&](ScriptedServer& s) {
      const int first = s.accept_one();
      ASSERT_GE(first, 0);
      std::string buf;
      ScriptedServer::read_request(first, buf);
      ScriptedServer::write(first, "HTTP/1.1 204 No Content\r\n\r\n");
      ::shutdown(first, SHUT_RDWR);   // the idle keep-alive closes, as lws does after a few seconds
      closed = true;
      const int again = s.accept_one();
      ASSERT_GE(again, 0);
      std::string buf2;
      second = ScriptedServer::read_request(again, buf2);
      ScriptedServer::write(again, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    HttpClient client(server.port(), "test", stopping);
    EXPECT_EQ(client.exchange("POST", "/poll/send?session=x", "{}", true, Clock::now() + 5s).status, 204);
    while (!closed.load()) std::this_thread::sleep_for(1ms);
    std::this_thread::sleep_for(20ms);
    const HttpResponse r = client.exchange("POST", "/poll/send?session=x", "{}", true, Clock::now() + 5s);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "ok");
  }
  EXPECT_EQ(second.rfind("POST /poll/send?session=x HTTP/1.1\r\n", 0), 0u) << "the request was sent again on a new connection";
}

TEST(DemoStop, IsPromptWhileWaitingOnASilentRelay) {
  std::atomic<bool> asked{false}, done{false};
  ScriptedServer server([&](ScriptedServer& s) {
    const int fd = s.accept_one();   // accepts and reads the handshake, never answers it
    std::string buf;
    if (fd >= 0 && !ScriptedServer::read_request(fd, buf).empty()) asked = true;
    while (!done.load()) std::this_thread::sleep_for(10ms);
  });
  Demo demo(Options{.port = server.port(), .deterministic = true});
  demo.start();
  // The event, not a guess: the demo has sent its Upgrade and now waits for an answer that never comes.
  for (int i = 0; i < 1000 && !asked.load(); ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(asked.load()) << "the demo never sent its handshake to the scripted server within 10 s";
  const auto t0 = std::chrono::steady_clock::now();
  demo.stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  done = true;
  // Timing is the point here: stop() must not wait out the 10 s answer timeout. The bound is far
  // from both ends (waking takes one poll slice, ms; waiting would take 10 s), so a loaded machine
  // under ASan cannot fail it and a stop() that waits cannot pass it.
  EXPECT_LT(took, 3s) << "stop() took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                      << " ms; it must not wait out the 10 s answer timeout";
  EXPECT_EQ(demo.rounds_done(), 0u);
}

TEST(DemoStop, StopWithoutStartAndTwiceIsFine) {
  Demo demo(Options{});
  EXPECT_NO_THROW(demo.stop()) << "stop() before start() must not join a thread that never ran";
  EXPECT_NO_THROW(demo.stop()) << "a second stop() must do nothing";
  EXPECT_EQ(demo.rounds_done(), 0u);
  EXPECT_FALSE(demo.finished()) << "a demo that never ran has not finished its rounds";
}

}  // namespace
}  // namespace relay::demo
