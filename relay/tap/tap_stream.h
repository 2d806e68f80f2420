// relay::TapStream: one per tapped connection (owned by its TapConnection).
// Both directions go through one wire::StreamDecoder in wire order; each unit
// becomes a mirror event body, and the header rules the decoder finds broken
// in client frames become verdicts the tap enforces (RFC 6455 5.1: a server
// MUST close on an unmasked client frame; libwebsockets 4.1.6 does not).
// Client bytes go on to the server only once the decoder has judged them
// (StreamDecoder::settled): a request head only when whole and within the
// rules (wire/request_rules.h), bytes after an upgrade request only after its
// answer went by (lws 4.1.6 overwrites input that arrives in the same read as
// the request with its own 101). Credentials are blanked in every event
// (wire/credentials.h) and the long-poll session shown by its label.
// RFC 6455 through the tap (what lws 4.1.6 gets wrong on its own): a frame
// reaches lws only once judged (a header whole, a control frame whole: lws
// must never act on half a broken header); a ping only once lws answered the
// one before (5.5.3: lws 4.1.6 answers a burst with one pong carrying the
// FIRST payload); nothing after the client's Close (5.5.1); and nothing goes
// to the client after the server's Close (5.5.1), lws's or the tap's own.
// Behind --upstream (TapPolicy): no holding for lws's sake (the server is
// not lws), the server judged too (wire/server_rules.h), and, unless
// --enforce, every byte goes on at once and broken rules are only reported.
// Pure: no lws, no clock; the caller publishes the events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "relay/metrics.h"
#include "relay/tap/session_labels.h"
#include "wire/events.h"
#include "wire/fifo.h"
#include "wire/server_rules.h"
#include "wire/stream_decoder.h"

namespace relay {

// The first close frame seen on the connection decides the `close` event.
struct FirstClose {
  wire::ClosedBy by = wire::ClosedBy::client;
  std::optional<std::uint16_t> code;
  std::string reason;
};

// How a connection's bytes are judged. The relay's own server: the defaults
// (its frames carry no credential: nothing to look for in them).
struct TapPolicy {
  bool hold_for_lws = true;    // one ping at a time, frames only after the 101 (lws 4.1.6's gaps)
  bool enforce = true;         // a broken rule stops the bytes (false: reported, everything passes)
  bool judge_server = false;   // the server's side is anyone's: its breaches are reported too
  bool blank_frames = false;   // session ids in frame payloads too (Engine.IO's open packet over WebSocket)
};

// A rule broken while the policy only observes (or a server's, under --enforce).
struct Observed {
  std::string rule;            // "RFC 6455 5.1: server frames must not be masked"
  bool by_server = false;
};

// What the tap does with the client's bytes after a chunk of either direction.
// A client frame or request broke a rule: the tap forwards only the bytes
// before it, answers (close frame, or the HTTP refusal) and drops the connection.
struct TapVerdict {
  std::span<const std::uint8_t> forward;   // c2s bytes now judged, for the inner server (valid until the next call)
  bool close = false;
  std::uint16_t close_code = 1002;
  std::string rule;                  // "RFC 6455 5.1: client frames must be masked"
  int http_status = 0;               // a request was refused: answer `response` (not a close frame)
  std::string response;              // wire::build_refusal_response
  // s2c: how many of the server bytes just given may go to the client (the
  // rest came after the server's Close and is neither sent nor mirrored).
  std::size_t s2c_pass = 0;
  std::vector<Observed> observed;    // reported, not acted on (TapPolicy::enforce false)
  std::optional<Observed> server_broke;   // enforce + judge_server: the server broke this; drop the connection
};

class TapStream {
 public:
  TapStream(std::uint64_t conn, std::size_t max_payload_kept, Metrics& metrics, SessionLabels& labels,
            TapPolicy policy = {});

  TapVerdict client_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events);
  // The server's answer may release client bytes held since an upgrade request.
  TapVerdict server_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events);

  bool websocket() const;                 // a 101 went by
  bool at_server_frame_boundary() const;  // nothing half-sent to the client: a close frame may follow
  bool at_server_message_boundary() const;  // HTTP, nothing half-sent to the client: a response may follow
  bool server_closed() const { return s2c_close_end_.has_value(); }   // a Close went to the client
  std::size_t held() const { return unreleased_.size(); }   // client bytes not judged or held back yet
  // Client bytes sent after its own Close: mirrored, never passed on (5.5.1).
  std::uint64_t dropped_after_close() const { return dropped_after_close_; }
  const std::optional<FirstClose>& first_close() const { return first_close_; }

 private:
  void account(const wire::Unit& unit, wire::Direction dir);
  void note_close(const wire::Frame& f);
  void blank(wire::Unit& unit);
  TapVerdict take(wire::FeedResult& r, std::vector<wire::EventBody>& events);
  void follow(const wire::Frame& f);
  void release(std::span<const std::uint8_t> chunk, TapVerdict& v);
  void drop_after_client_close();
  void judge_client(const wire::FeedResult& r, std::size_t i, std::uint64_t offset, TapVerdict& v,
                    std::uint64_t& limit, bool& broken);
  void judge_server(const wire::FeedResult& r, std::size_t i, const wire::Unit& u, TapVerdict& v);

  std::uint64_t conn_;
  TapPolicy policy_;
  wire::ServerRules server_rules_;         // judge_server only
  std::uint64_t c2s_fed_ = 0;              // c2s bytes fed to the decoder
  Metrics& metrics_;
  SessionLabels& labels_;
  wire::StreamDecoder decoder_;
  std::uint64_t c2s_limit_ = 0;            // c2s stream offset up to which bytes are judged and allowed
  std::uint64_t c2s_released_ = 0;         // c2s stream offset: bytes before it went to the server
  std::vector<std::uint8_t> unreleased_;   // c2s bytes fed, not yet judged (bounded by the decoder's limits)
  std::vector<std::uint8_t> releasing_;    // what a verdict's forward points at when it came from unreleased_
  wire::Fifo<Carrier> request_carriers_;   // c2s requests waiting for their s2c response
  bool upgraded_ = false;
  std::optional<FirstClose> first_close_;
  wire::Fifo<std::uint64_t> ping_ends_;     // c2s offsets where pings end, in order, not yet answered
  std::optional<std::uint64_t> c2s_close_end_;   // where the client's Close ended: nothing after it goes on
  std::optional<std::uint64_t> s2c_close_end_;   // where the server's Close ended: nothing after it goes out
  std::uint64_t s2c_fed_ = 0;                    // s2c bytes fed to the decoder
  std::optional<std::uint64_t> s2c_broken_at_;   // --upstream --enforce: where the server broke a rule
  std::uint64_t dropped_after_close_ = 0;
};

}  // namespace relay
