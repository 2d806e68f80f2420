// relay_load: N pairs of strangers chatting over WebSocket through a running
// wirelab-relay, closed loop (each pair has one message in flight, bouncing
// A -> B -> A). Reports messages/s and the one-way latency percentiles
// (send of `say` -> arrival of `said` at the peer, same process, same clock).
// Raw sockets + epoll; every byte encoded and decoded by wire/.
//
// Usage: relay_load --port P [--pairs 100] [--seconds 5] [--warmup 1]
// The relay must allow the rate: --chat-rate 1000000 --chat-burst 1000000.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wire/base64.h"
#include "wire/frame.h"
#include "wire/handshake.h"
#include "wire/stream_decoder.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Client {
  int fd = -1;
  wire::StreamDecoder decoder;
  std::string label;
  int peer = -1;
  Clock::time_point sent_at;
};

struct Run {
  std::vector<Client> clients;
  std::map<std::string, int> by_label;
  std::mt19937 rng{6455};
  int welcomed = 0, paired = 0;
  bool measuring = false, started = false;
  std::uint64_t messages = 0;
  std::vector<double> latencies_us;
};

void send_all(int fd, const std::vector<std::uint8_t>& bytes) {
  std::size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    off += static_cast<std::size_t>(n);
  }
}

void send_text(Run& r, int i, const std::string& text) {
  wire::MaskingKey key{};
  for (auto& b : key) b = static_cast<std::uint8_t>(r.rng());
  const auto frame = wire::encode_client_frame(
      wire::Opcode::text, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, key);
  send_all(r.clients[static_cast<std::size_t>(i)].fd, frame);
}

void say(Run& r, int i) {
  r.clients[static_cast<std::size_t>(i)].sent_at = Clock::now();
  send_text(r, i, R"({"type":"say","text":"load"})");
}

void on_message(Run& r, int i, const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return;
  const std::string type = j.value("type", "");
  Client& c = r.clients[static_cast<std::size_t>(i)];
  if (type == "welcome") {
    c.label = j.value("you", "");
    r.by_label[c.label] = i;
    if (++r.welcomed == static_cast<int>(r.clients.size())) {
      for (std::size_t k = 0; k < r.clients.size(); ++k) send_text(r, static_cast<int>(k), R"({"type":"find"})");
    }
  } else if (type == "paired") {
    c.peer = r.by_label.at(j.value("peer", ""));
    if (++r.paired == static_cast<int>(r.clients.size())) {
      r.started = true;
      for (std::size_t k = 0; k < r.clients.size(); ++k) {
        if (static_cast<int>(k) < r.clients[k].peer) say(r, static_cast<int>(k));
      }
    }
  } else if (type == "said") {
    Client& sender = r.clients[static_cast<std::size_t>(c.peer)];
    if (r.measuring) {
      ++r.messages;
      r.latencies_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sender.sent_at).count());
    }
    say(r, i);   // answer: the message bounces back
  } else if (type == "error") {
    std::fprintf(stderr, "relay_load: error from relay: %s\n", text.c_str());
  }
}

int connect_client(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("connect failed");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  send_all(fd, std::vector<std::uint8_t>(request.begin(), request.end()));
  return fd;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  int port = 7681, pairs = 100;
  double seconds = 5, warmup = 1;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string k = argv[a];
    if (k == "--port") port = std::atoi(argv[a + 1]);
    else if (k == "--pairs") pairs = std::atoi(argv[a + 1]);
    else if (k == "--seconds") seconds = std::atof(argv[a + 1]);
    else if (k == "--warmup") warmup = std::atof(argv[a + 1]);
  }
  Run r;
  r.clients.resize(static_cast<std::size_t>(pairs) * 2);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < r.clients.size(); ++i) {
    const std::string key = wire::base64_encode(std::string(16, static_cast<char>('a' + i % 26)));
    const std::string req = wire::build_upgrade_request("127.0.0.1:" + std::to_string(port), "/chat", key);
    Client& c = r.clients[i];
    c.fd = connect_client(port, req);
    c.decoder.feed(wire::Direction::c2s, {reinterpret_cast<const std::uint8_t*>(req.data()), req.size()});
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  std::vector<std::uint8_t> buf(64 * 1024);
  std::vector<epoll_event> events(256);
  const auto begin = Clock::now();
  Clock::time_point measure_start{}, measure_end{};
  while (true) {
    const auto now = Clock::now();
    if (r.started && !r.measuring && measure_start == Clock::time_point{}) {
      measure_start = now + std::chrono::microseconds(static_cast<long>(warmup * 1e6));
      measure_end = measure_start + std::chrono::microseconds(static_cast<long>(seconds * 1e6));
    }
    if (measure_start != Clock::time_point{} && !r.measuring && now >= measure_start) r.measuring = true;
    if (r.measuring && now >= measure_end) break;
    if (now - begin > std::chrono::seconds(60)) {
      std::fprintf(stderr, "relay_load: gave up (welcomed %d, paired %d)\n", r.welcomed, r.paired);
      return 1;
    }
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < n; ++e) {
      const int i = static_cast<int>(events[static_cast<std::size_t>(e)].data.u64);
      Client& c = r.clients[static_cast<std::size_t>(i)];
      const ssize_t got = ::recv(c.fd, buf.data(), buf.size(), 0);
      if (got <= 0) {
        std::fprintf(stderr, "relay_load: client %d: connection closed\n", i);
        return 1;
      }
      auto result = c.decoder.feed(wire::Direction::s2c, {buf.data(), static_cast<std::size_t>(got)});
      for (auto& u : result.units) {
        if (const auto* f = std::get_if<wire::Frame>(&u); f != nullptr && f->opcode == 0x1) {
          on_message(r, i, std::string(f->payload.begin(), f->payload.end()));
        }
      }
    }
  }
  const double secs = std::chrono::duration<double>(measure_end - measure_start).count();
  const double rate = static_cast<double>(r.messages) / secs;
  std::printf("{\"pairs\":%d,\"seconds\":%.1f,\"messages\":%llu,\"messages_per_s\":%.0f,\"p50_us\":%.0f,\"p99_us\":%.0f}\n",
              pairs, secs, static_cast<unsigned long long>(r.messages), rate, percentile(r.latencies_us, 0.50),
              percentile(r.latencies_us, 0.99));
  for (auto& c : r.clients) ::close(c.fd);
  ::close(ep);
  return 0;
}
