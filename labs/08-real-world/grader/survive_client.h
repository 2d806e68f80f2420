// The lab 8 grader's side: the student's run_survive_server in a thread (stopped on request, its return
// watched), WebSocket strangers that answer pings (or stay silent), hostile clients, and the pair's round
// trip. Built on lab 5's chatgrade::Client and lab 7's HTTP client. Every wait is bounded.
#pragma once

#include "../../07-long-poll/grader/poll_client.h"
#include "survive.h"

#include <algorithm>
#include <fstream>

namespace lab8 {

using chatgrade::Bytes;
using chatgrade::Clock;
using chatgrade::json;
using Ms = std::chrono::milliseconds;

// Milliseconds since t0 (for checks only: a transcript never prints a time it measured, so goldens stay fixed).
inline long long since(Clock::time_point t0) { return std::chrono::duration_cast<Ms>(Clock::now() - t0).count(); }

// Options for a test: the contract's defaults, with keepalive and head deadline short or long as given.
inline ws::SurviveOptions options(ws::Millis ping_after_ms = 60000, ws::Millis pong_within_ms = 60000,
                                  ws::Millis head_within_ms = 60000) {
  ws::SurviveOptions o;
  o.poll.hold_ms = 4000;
  o.ping_after_ms = ping_after_ms;
  o.pong_within_ms = pong_within_ms;
  o.head_within_ms = head_within_ms;
  return o;
}

// The student's run_survive_server with their Strangers, in a thread. stop() sets the flag and says whether
// the function returned within `wait`; the destructor stops it too (a server that never returns is a
// timed-out test).
class SurviveServer {
 public:
  explicit SurviveServer(ws::SurviveOptions options) : options_(std::move(options)) {
    listen_fd_ = chatgrade::listen_any(&port_);
    thread_ = std::thread([this] {
      ws::run_survive_server(listen_fd_, stop_, strangers_, options_);
      returned_ = true;
    });
  }
  ~SurviveServer() {
    stop_ = true;
    thread_.join();
    close(listen_fd_);
  }
  int port() const { return port_; }
  const ws::SurviveOptions& opts() const { return options_; }
  bool stop(Ms wait) {
    stop_ = true;
    auto deadline = Clock::now() + wait;
    while (!returned_ && Clock::now() < deadline) std::this_thread::sleep_for(Ms(5));  // polling a flag, bounded
    return returned_;
  }

 private:
  ws::SurviveOptions options_;
  ws::Strangers strangers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> returned_{false};
  std::thread thread_;
};

using chatgrade::Frame;

// Reads frames until a text message of `type` comes, answering every ping with a pong (a live browser
// does); *pings counts the pings seen. nullopt if none came by the deadline.
inline std::optional<json> next_alive(chatgrade::Client& c, const std::string& type, Clock::time_point deadline,
                                      int* pings = nullptr) {
  while (auto f = c.next_frame(deadline)) {
    if (f->opcode == 0x9) {
      if (pings) ++*pings;
      c.send_raw(chatgrade::client_frame(0x8a, f->payload));
    } else if (f->opcode == 0x1) {
      json j = json::parse(f->payload, nullptr, false);
      if (j.is_object() && j.value("type", "") == type) {
        grade::got(c.name() + ": " + f->payload);
        return j;
      }
    } else if (f->opcode == 0x8) {
      auto code = f->close_code();
      c.log("got a close frame" + (code ? " with code " + std::to_string(*code) : std::string()));
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// The close code of the next close frame (0 for none before the deadline or the end of the connection; 1005
// for a close frame without a code); frames before it are skipped, pings answered.
inline int close_code_within(chatgrade::Client& c, Ms wait) {
  auto deadline = Clock::now() + wait;
  while (auto f = c.next_frame(deadline)) {
    if (f->opcode == 0x9) c.send_raw(chatgrade::client_frame(0x8a, f->payload));
    if (f->opcode != 0x8) continue;
    return f->close_code().value_or(1005);
  }
  return 0;
}

// Two strangers, A and B, paired by your Strangers (A finds first). Quiet (their messages are not in the
// transcript: a retried round trip must not change it).
struct Pair {
  chatgrade::Client a, b;
  long long baseline_ms = 0;  // a round trip before any hostile client came
  explicit Pair(int port) : a(port, "A", true), b(port, "B", true) {}
  bool open() {
    if (a.open().empty() || b.open().empty()) return false;
    a.send_json({{"type", "find"}});
    b.send_json({{"type", "find"}});
    auto pa = a.next_of("paired");
    auto pb = b.next_of("paired");
    if (!pa || !pb) ADD_FAILURE() << "A and B were not paired (find, find: both must get paired)";
    if (pa && pb) {
      auto t0 = Clock::now();
      if (!exchange("baseline")) ADD_FAILURE() << "A and B could not chat";
      baseline_ms = since(t0);
    }
    return pa && pb;
  }
  // A says something, B gets it, B answers, A gets it: true when that took under 100 ms, or on a machine
  // so busy that the round trip before X came took over 33 ms, under 3 times that one (three tries: a busy
  // machine may take the processor away for a while; a server stuck on X loses all three).
  bool round_trip(const std::string& tag, bool log = true) {
    if (log) grade::step("A and B: a round trip (A says \"ping " + tag + "\", B answers), under 100 ms (on a busy machine, "
                         "3 times the round trip before X came)");
    const long long limit_ms = std::max(100LL, 3 * baseline_ms);
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto t0 = Clock::now();
      if (!exchange(tag)) return false;
      if (since(t0) < limit_ms) return true;
    }
    return false;
  }

 private:
  bool exchange(const std::string& tag) {
    a.send_json({{"type", "say"}, {"text", "ping " + tag}});
    auto m1 = b.next_of("said", Ms(2000));
    b.send_json({{"type", "say"}, {"text", "pong " + tag}});
    auto m2 = a.next_of("said", Ms(2000));
    return m1 && m2;
  }
};

// This process's resident memory in KiB (/proc/self/status VmRSS): the server runs in it, in a thread.
inline long rss_kib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

}  // namespace lab8
