// ServerRules: the rules a server breaks, judged from the units of a tapped
// connection as a client would judge them (RFC 6455 4.1, 5.1, 5.5.1). The
// relay's own server is right by construction; a server behind
// `wirelab-relay --upstream` is anyone's, a student's included, so the tap
// shows its mistakes. Fed every unit in wire order (StreamDecoder's output);
// pairs requests with responses itself (RFC 9112 9.3: in order; 1xx other
// than 101 answer nothing). The StreamDecoder already reports a masked server
// frame (5.1) as a FrameBreach; this adds what needs the other direction or
// the past: the 101's headers against the request's key, and frames after Close.
// Pure, bounded (at most kMaxPending requests remembered), never throws.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "wire/events.h"
#include "wire/fifo.h"
#include "wire/result.h"
#include "wire/stream_decoder.h"

namespace wire {

class ServerRules {
 public:
  static constexpr std::size_t kMaxPending = 64;   // pipelined requests waiting for their answer

  // The rule `unit` breaks as the server's (offset: its first byte in the s2c
  // stream), or nullopt. c2s units are only remembered (the upgrade's key).
  std::optional<Error> check(const Unit& unit);

 private:
  struct Asked {
    bool upgrade = false;                  // 4.1: an upgrade request (GET with Upgrade: websocket)
    std::string key;                       // its Sec-WebSocket-Key
    std::vector<std::string> protocols;    // offered subprotocols
    std::vector<std::string> extensions;   // offered extension names
  };
  void remember(const Http& request);
  std::optional<Error> answer(const Http& response);
  std::optional<Error> frame(const Frame& f);

  Fifo<Asked> asked_;
  bool server_closed_ = false;   // 5.5.1: a server Close went by
};

}  // namespace wire
