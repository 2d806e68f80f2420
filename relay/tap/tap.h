// relay::Tap: what the relay asks of its tap, whichever way the tap is built:
// on the client's own socket (socket_tap.h, the plain relay) or through an
// edge socket and a second connection per client (edge_tap.h: --tls-cert,
// --upstream, --delay-ms/--jitter-ms). docs/platform.md, "The byte-exact tap".
#pragma once

#include <cstddef>
#include <cstdint>

namespace relay {

class Tap {
 public:
  struct Counters {
    std::uint64_t stalled = 0;       // dropped: no output progress for --stall-secs
    std::uint64_t over_budget = 0;   // cut (1013): largest holders above --max-queued-bytes
  };

  virtual ~Tap() = default;
  // Every 250 ms: drops stalled connections and enforces the queued-bytes budget.
  virtual void tick(std::int64_t now_us) = 0;
  virtual const Counters& counters() const = 0;
  // Bytes queued for clients now, counted when asked (a figure kept from the
  // last tick would still show what a budget cut has just released).
  virtual std::size_t queued_bytes() const = 0;
  // Nothing the tap holds is still waiting to reach a client.
  virtual bool drained() const = 0;
  // Before the lws context goes: stop every timer the tap keeps in it.
  virtual void stop_timers() = 0;
};

}  // namespace relay
