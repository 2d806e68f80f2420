// relay::MirrorHub: every mirror event passes here once. It stamps seq and
// t_us, applies --mirror-max-payload and --redact, serialises the event once
// and hands the text to each subscriber's bounded queue and to the capture
// file. A subscriber that cannot keep up loses events, never slows the chat:
// past its limit (events or bytes) events are counted as missed and it gets
// one `dropped {count}` as soon as there is room again (bounded, and nothing dropped silently).
//
// Threading: the lws service thread only. Owns no sockets (mirror_server.cpp
// writes the queued texts).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "relay/clock.h"
#include "wire/events.h"

namespace relay {

struct MirrorConfig {
  std::size_t max_events = 10'000;          // per subscriber
  std::size_t max_bytes = 16 * 1024 * 1024; // per subscriber, JSON text bytes
  std::size_t max_payload = 64 * 1024;      // frame payload bytes kept in an event
  bool redact = false;                      // no payload/body bytes at all (lengths kept)
  wire::Hello hello;                        // relay, tap, deterministic (connections filled per subscriber)
};

class MirrorHub {
 public:
  using SubscriberId = std::uint64_t;

  MirrorHub(MirrorConfig config, const Clock& clock);
  ~MirrorHub();

  // Where `hello` gets its list of open connections.
  void set_snapshot(std::function<std::vector<wire::ConnectionInfo>()> snapshot);
  // Then who is who: fills the connections' `who` and `participants` (the
  // chat's part of the snapshot, InnerServer knows which conn carries whom).
  void set_chat_snapshot(std::function<void(wire::Hello&)> fill);
  // Starts the capture file (`hello` first). Returns "" or why it failed.
  std::string open_capture(const std::string& path);
  void flush_capture();

  // True when anyone would see an event (a subscriber or the capture file):
  // callers may skip building events otherwise.
  bool active() const { return !subscribers_.empty() || capture_ != nullptr; }
  void publish(wire::EventBody body);

  // A new subscriber: `hello` with the snapshot is queued first. wake() is
  // called when its queue goes from empty to non-empty.
  SubscriberId subscribe(std::function<void()> wake);
  void unsubscribe(SubscriberId id);
  // The next JSON text for this subscriber; false when nothing is queued.
  bool pop(SubscriberId id, std::string& out);
  bool pending(SubscriberId id) const;

  std::size_t subscribers() const { return subscribers_.size(); }
  // The same count, safe to read from any thread (the demo waits on it).
  std::size_t subscribers_any_thread() const { return subscriber_count_.load(std::memory_order_relaxed); }
  std::uint64_t dropped_total() const { return dropped_total_; }
  std::uint64_t published() const { return seq_; }
  // hello's handshakes: connections whose upgrade is kept now, and upgrade
  // messages not kept because a bound was reached (kMaxHandshake*).
  std::size_t handshakes_kept() const { return handshakes_.size(); }
  std::uint64_t handshakes_not_kept() const { return handshakes_not_kept_; }
  static constexpr std::size_t kMaxHandshakeConns = 4096;       // connections tracked at once
  static constexpr std::size_t kMaxHandshakeBytes = 16 * 1024;  // per kept message (an upgrade head is ~0.5 KiB)
  const MirrorConfig& config() const { return config_; }

 private:
  struct Subscriber {
    std::deque<std::shared_ptr<const std::string>> queue;
    std::size_t bytes = 0;
    std::uint64_t missed = 0;           // events not queued since the last `dropped`
    std::uint64_t last_missed_seq = 0;
    std::function<void()> wake;
  };
  // One open connection's upgrade, for hello's handshakes: requests and
  // responses pair in order (RFC 9112 9.3), so the response is the one whose
  // count reaches the upgrade request's. Forgotten at its `close`.
  struct Handshake {
    std::uint64_t requests = 0, responses = 0;
    std::uint64_t upgrade_index = 0;           // 1-based index of the upgrade request; 0: none yet
    std::optional<wire::HelloHttp> request, response;
  };
  void remember(const wire::EventBody& body, std::int64_t t_us);
  wire::Hello make_hello() const;            // config_.hello plus both snapshots and the handshakes
  void shape(wire::EventBody& body) const;   // truncation and redaction
  bool room(const Subscriber& s, std::size_t bytes) const;
  void miss(SubscriberId id, Subscriber& s);
  void push(Subscriber& s, std::shared_ptr<const std::string> text);
  std::shared_ptr<const std::string> dropped_text(Subscriber& s);

  MirrorConfig config_;
  const Clock& clock_;
  std::function<std::vector<wire::ConnectionInfo>()> snapshot_;
  std::function<void(wire::Hello&)> chat_snapshot_;
  std::uint64_t seq_ = 0;
  std::uint64_t next_subscriber_ = 1;
  std::uint64_t dropped_total_ = 0;
  std::map<std::uint64_t, Handshake> handshakes_;   // by conn; bounded by kMaxHandshakeConns
  std::uint64_t handshakes_not_kept_ = 0;
  std::map<SubscriberId, Subscriber> subscribers_;
  std::atomic<std::size_t> subscriber_count_{0};
  std::unique_ptr<std::ofstream> capture_;
  bool capture_failed_ = false;
};

}  // namespace relay
