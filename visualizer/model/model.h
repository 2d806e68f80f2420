// The visualizer's model: a bounded, append-only log of mirror
// events with fields derived through wire (never a second parser), plus the
// connections, strangers and pairings those events describe. Scenes only read
// it; the shell appends to it on the UI thread from the feeds' hand-off
// (model/inbox.h). GL-free: it lives in the wirelab_viz_model library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wire/events.h"
#include "wire/frame.h"

namespace viz {

// visualizer/model/stats.h defines `class Stats` (default-constructible;
// may hold one TransportStats per transport) with
//   void add(const Entry& e, const Model& m);   // called once per entry, after e is
//                                               // appended and m's connections/pairings updated
// Statistics are cumulative: eviction does not remove entries from them;
// Model::clear() replaces the Stats object with a fresh one.
class Stats;

// What a unit is, for colour (ui/theme.h) and for the event-list filters.
enum class UnitKind : std::uint8_t {
  http,      // an HTTP/1.1 message (upgrade, long-poll request/response, page)
  text,      // a text frame, or a continuation of a text message
  binary,    // a binary frame, or a continuation of a binary message
  control,   // ping / pong (5.5.2, 5.5.3)
  close,     // a close frame (5.5.1)
  raw,       // bytes that did not parse
  meta,      // hello, open, close (connection), chat, dropped: the relay's own account
  violation, // a `violation` event: the relay enforced a rule
  tls,       // a `tls_record` event: what the network saw of a --tls-cert connection (scene 6, not the lanes)
};
const char* unit_kind_name(UnitKind k);   // "HTTP", "text", "binary", "control", "close", "raw", "event", "violation", "TLS"

// What a connection turned out to be, from its first request line.
enum class ConnRole : std::uint8_t {
  unknown,     // nothing seen yet (or only `open`)
  websocket,   // upgraded with a 101 (chat, echo)
  long_poll,   // requests to /poll/*
  http,        // anything else (the web page, /metrics, a failed upgrade)
};
const char* conn_role_name(ConnRole r);  // "WebSocket", "long-poll", "HTTP", "?"

// One mirror event and what the model derived from it.
struct Entry {
  wire::Event event;
  UnitKind kind = UnitKind::meta;
  std::uint64_t conn = 0;                    // 0 for hello / dropped
  std::optional<wire::Direction> dir;        // http, frame, raw

  // Frames: the header decoded from event's header bytes by wire::FrameHeaderDecoder.
  std::optional<wire::FrameHeader> header;
  // Frames: the payload unmasked (RFC 6455 5.3) with wire::apply_mask; equal to
  // the wire payload when not masked. Bounded like the wire payload (truncated frames stay cut).
  wire::Bytes payload_clear;
  // Frames with rsv1 on a permessage-deflate connection: the inflated message
  // data (RFC 7692), when wire can inflate it; nullopt otherwise.
  std::optional<wire::Bytes> inflated;
  // Frames: opcode of the message this frame belongs to (a continuation
  // takes its first frame's opcode).
  wire::Opcode message_opcode = wire::Opcode::text;

  // Breaks a rule: a frame that check_header() rejects, a frame the relay
  // then reported in a `violation` event, a raw unit, or a violation event itself.
  bool violation = false;
  std::string violation_rule;                // "RFC 6455 5.1: client frames must be masked"

  // On an Engine.IO connection (a Socket.IO app behind `wirelab-relay --upstream`): what the frame's
  // packet or the polling body's packets mean, e.g. `ping probe`, `Socket.IO EVENT "chat" “hi”`
  // (model/engineio_view.h); "" on every other connection.
  std::string engineio;
  std::string engineio_brief;                // the same for an arrow: `"chat message" “hi”`, `ACK 0`, `open`

  // HTTP: the other half of a request/response pair on the same connection
  // (in order, RFC 9112 9.3); nullopt until the response is seen.
  std::optional<std::uint64_t> paired_seq;

  // Convenience accessors; nullptr when the event is of another kind.
  const wire::Frame* frame() const { return std::get_if<wire::Frame>(&event.body); }
  const wire::Http* http() const { return std::get_if<wire::Http>(&event.body); }
  const wire::Chat* chat() const { return std::get_if<wire::Chat>(&event.body); }
  const wire::TlsRecord* tls_record() const { return std::get_if<wire::TlsRecord>(&event.body); }
  std::uint64_t seq() const { return event.seq; }
};

// One connection as the model sees it (never an IP address: anonymous).
struct ConnView {
  std::uint64_t conn = 0;
  wire::Transport transport = wire::Transport::tcp;
  ConnRole role = ConnRole::unknown;
  std::string path;                          // from the first request line: "/chat", "/poll/recv"
  std::string stranger;                      // "Stranger 7f3a" from `chat` events; "" until known
  std::string peer;                          // the paired stranger or "room cs101"; "" when none
  bool bot = false;                          // the stranger is one of --demo's scripted strangers
  bool open = true;
  std::optional<std::uint16_t> close_code;   // from the `close` event
  wire::ClosedBy closed_by = wire::ClosedBy::client;
  std::string close_reason;
  std::int64_t opened_t_us = 0;
  std::int64_t closed_t_us = 0;
  std::optional<std::uint64_t> upgrade_request_seq;    // the GET with Upgrade: websocket
  std::optional<std::uint64_t> upgrade_response_seq;   // its answer (101, or 400/426 when it failed)
  std::string extensions;                    // negotiated Sec-WebSocket-Extensions ("" when none)
  bool engineio = false;                     // its requests are Engine.IO's (?EIO=4&transport=...)
  bool deflate = false;                      // permessage-deflate negotiated
  std::uint64_t frames = 0, http_messages = 0, violations = 0;
};

// Two strangers the relay paired (`chat` event "paired").
struct Pairing {
  std::string a, b;                          // "Stranger 7f3a", "Stranger 91c2"
  std::uint64_t conn_a = 0, conn_b = 0;      // their connections when known (0 otherwise)
  std::uint64_t seq = 0;                     // the `paired` event (or the `hello` whose snapshot listed the pair)
  std::int64_t t_us = 0;
};

struct ModelLimits {
  std::size_t max_events = 200'000;          // oldest evicted beyond this, counted in evicted()
  std::size_t max_connections = 10'000;      // closed connections forgotten beyond this
  std::size_t max_clear_payload = 64 * 1024; // unmasked / inflated bytes kept per frame
};

class Model {
 public:
  explicit Model(ModelLimits limits = {});
  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  // --- Ingest: UI thread only (feeds hand events over through model/inbox.h).
  // Derives fields, updates connections and stats. A `hello` carrying
  // handshakes (a late subscription) adds them first, as the http events they
  // were, so the Upgrade scene shows the open connections at once.
  void add(wire::Event event);
  void clear();                               // forget everything (a new feed, a replay seek back)

  // --- Read API for scenes. Indices run 0 (oldest retained) .. size()-1 (newest).
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const Entry& at(std::size_t i) const { return entries_[i]; }
  const Entry& back() const { return entries_.back(); }
  std::optional<std::size_t> find_seq(std::uint64_t seq) const;   // index of the entry with this seq
  const Entry* by_seq(std::uint64_t seq) const;                   // nullptr when absent or evicted
  std::uint64_t evicted() const { return evicted_; }              // entries dropped by the bound
  std::uint64_t dropped() const { return dropped_; }              // sum of `dropped` events' counts
  std::uint64_t ingested() const { return ingested_; }            // everything ever added
  std::uint64_t version() const { return changes_; }              // changes on every add/clear: cache by it
  std::uint64_t generation() const { return cleared_; }           // changes on every clear(): rebuild caches

  const ConnView* conn(std::uint64_t id) const;
  const std::map<std::uint64_t, ConnView>& connections() const { return conns_; }
  // An Engine.IO connection's session so far: "Socket.IO: polling -> upgraded to WebSocket"
  // (wire/engineio_upgrade.h); "" for other connections and before the open packet.
  std::string_view engineio_story(std::uint64_t conn) const;
  // The same, longest first, down to a few words (a lane header with little room).
  std::span<const std::string_view> engineio_story_forms(std::uint64_t conn) const;
  const std::vector<Pairing>& pairings() const { return pairings_; }
  const std::optional<wire::Hello>& hello() const { return hello_; }
  const Stats& stats() const { return *stats_; }
  const ModelLimits& limits() const { return limits_; }

  // The newest entry of a kind, searching back from index `before` (exclusive; default: all).
  std::optional<std::size_t> last_index_where(bool (*pred)(const Entry&), std::size_t before = SIZE_MAX) const;

 private:
  struct Derive;                              // decoding state (model.cpp)
  struct DeriveConn;                          // per-connection decoding state (model.cpp)
  void add_one(wire::Event event);
  void derive(Entry& e);
  void inflate(Entry& e, const wire::Frame& f, DeriveConn& pc, int dir, const std::string& extensions);
  void track_connection(Entry& e);
  void join_session(const std::string& session, std::uint64_t conn);
  void read_engineio(Entry& e);
  void evict();

  ModelLimits limits_;
  std::deque<Entry> entries_;
  std::map<std::uint64_t, ConnView> conns_;
  std::vector<Pairing> pairings_;
  std::optional<wire::Hello> hello_;
  std::unique_ptr<Stats> stats_;
  std::unique_ptr<Derive> derive_;
  std::uint64_t evicted_ = 0, dropped_ = 0, ingested_ = 0, cleared_ = 0;
  std::uint64_t changes_ = 0;   // never reset: ingested_ + cleared_ repeats after clear() and one add fewer
};

}  // namespace viz
