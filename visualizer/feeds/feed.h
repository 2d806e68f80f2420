// Feeds put events into the model: live from the relay's mirror, or replayed
// from a capture file. The shell calls every method on the UI thread; a live
// feed's network work happens on its own worker (feeds/mirror_client.h) and
// reaches the UI thread only through the Inbox.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "model/model.h"

namespace viz {

class Feed {
 public:
  virtual ~Feed() = default;

  // Once per frame: append the events that are due (live: what arrived;
  // replay: what the capture clock reached). Nothing is appended while paused.
  virtual void update(double dt, Model& model) = 0;
  // Step mode: reveal exactly one event; its seq, or nullopt when none waits.
  virtual std::optional<std::uint64_t> step_forward(Model& model) = 0;
  // Replay: un-reveal the newest event (the model is rebuilt); live: no-op (false).
  virtual bool step_back(Model& model) = 0;

  virtual void set_paused(bool paused) = 0;
  virtual bool paused() const = 0;
  virtual bool live() const = 0;
  // Events held back: live events queued while paused (the "N new" badge), or a replay's remaining events.
  virtual std::size_t waiting() const = 0;
  // For the status bar: "live ws://127.0.0.1:7682/mirror", "replay demo-deterministic.jsonl".
  virtual std::string source() const = 0;
  // "connected", "reconnecting in 1.0 s (connection refused)", "playing 1.0x", "finished".
  virtual std::string state() const = 0;
  // True while the feed is healthy (live: connected; replay: always).
  virtual bool ok() const = 0;
  // Events lost before the model: inbox overflow, queue overflow while paused.
  virtual std::uint64_t lost() const { return 0; }
};

}  // namespace viz
