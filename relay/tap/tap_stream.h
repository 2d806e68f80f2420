// relay::TapStream: one per tapped connection (owned by its TapConnection).
// Both directions go through one wire::StreamDecoder in wire order; each unit
// becomes a mirror event body, and the header rules the decoder finds broken
// in client frames become verdicts the tap enforces (RFC 6455 5.1: a server
// MUST close on an unmasked client frame; libwebsockets 4.1.6 does not).
// Pure: no lws, no clock; the caller publishes the events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "relay/metrics.h"
#include "wire/events.h"
#include "wire/stream_decoder.h"

namespace relay {

// The first close frame seen on the connection decides the `close` event.
struct FirstClose {
  wire::ClosedBy by = wire::ClosedBy::client;
  std::optional<std::uint16_t> code;
  std::string reason;
};

// A client frame broke a rule: the tap forwards only the bytes before it,
// sends the relay's close frame and drops the connection.
struct TapVerdict {
  std::size_t forward = 0;           // bytes of this chunk that may go on to the inner server
  bool close = false;
  std::uint16_t close_code = 1002;
  std::string rule;                  // "RFC 6455 5.1: client frames must be masked"
};

class TapStream {
 public:
  TapStream(std::uint64_t conn, std::size_t max_payload_kept, Metrics& metrics);

  TapVerdict client_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events);
  void server_bytes(std::span<const std::uint8_t> bytes, std::vector<wire::EventBody>& events);

  bool websocket() const;                 // a 101 went by
  bool at_server_frame_boundary() const;  // nothing half-sent to the client: a close frame may follow
  const std::optional<FirstClose>& first_close() const { return first_close_; }

 private:
  void account(const wire::Unit& unit, wire::Direction dir);
  void note_close(const wire::Frame& f);

  std::uint64_t conn_;
  Metrics& metrics_;
  wire::StreamDecoder decoder_;
  std::uint64_t c2s_fed_ = 0;
  std::deque<Carrier> request_carriers_;   // c2s requests waiting for their s2c response
  bool upgraded_ = false;
  std::optional<FirstClose> first_close_;
};

}  // namespace relay
