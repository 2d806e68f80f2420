// relay::demo::Demo: two scripted strangers that chat through the real relay,
// so a classroom sees traffic the moment the relay starts (`--demo`).
// Stranger A speaks WebSocket on /chat, stranger B long-polls on /poll/*; both
// use blocking sockets to 127.0.0.1 in one thread of their own and wire's
// encoders and decoders, so the mirror shows real client bytes: A's masked
// frames, B's ordinary HTTP/1.1 requests. See relay/demo/README.md.
//
// With deterministic: A's Sec-WebSocket-Key is RFC 6455's example, mask keys
// come from a fixed-seed PRNG and the pauses from a fixed table, so two runs'
// captures differ only in t_us (and in what the relay itself randomises).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

namespace relay::demo {

struct Options {
  std::uint16_t port = 7681;      // the relay's chat port on 127.0.0.1 (already listening)
  bool deterministic = false;
  bool tls = false;               // the port speaks TLS: the strangers use wss:// and https:// (no certificate check)
  std::size_t rounds = 0;         // 0: chat until stop(); N: N rounds, then both leave and hang up
  // Before the first byte, wait (at most audience_wait) until audience() says
  // someone watches, so a visualizer started with the relay sees the demo's
  // very first Upgrade. audience() is called from the demo's thread.
  std::function<bool()> audience{};
  std::chrono::milliseconds audience_wait{0};
  // True while humans chat (paired or in a room): the strangers wait before
  // their next step, so the projector shows the class's own frames. Called
  // from the demo's thread; empty: never pause.
  std::function<bool()> humans_chatting{};
};

class Demo {          // two scripted strangers in their own thread; blocking sockets to 127.0.0.1
 public:
  explicit Demo(Options options);
  ~Demo();            // stops and joins
  Demo(const Demo&) = delete;
  Demo& operator=(const Demo&) = delete;

  void start();       // starts the thread; a second call does nothing
  void stop();        // prompt (well under a second): wakes every wait, closes sockets, joins

  // For tests and logs: rounds completed, and whether a `rounds`-limited run is over.
  std::size_t rounds_done() const;
  bool finished() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::demo
