// StreamDecoder: one per tapped connection. Feeds the bytes of both
// directions, in the order they crossed the wire, and gets back the units of
// the mirror contract (Http, Frame, Raw), each with its exact bytes and its
// offset in its direction's stream. HTTP/1.1 until a 101 answers an upgrade;
// WebSocket frames after it. Pure: no sockets, no clocks, never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "wire/events.h"
#include "wire/http.h"

namespace wire {

// A decoded unit; conn is left 0 (the caller owns connection ids).
using Unit = std::variant<Http, Frame, Raw>;

struct StreamDecoderOptions {
  // Frame payload bytes kept per frame; the rest is counted in payload_len
  // and the frame is marked truncated. Bounds memory for huge frames.
  std::size_t max_payload_kept = 64 * 1024;
  // An HTTP head longer than this becomes a Raw unit and the direction stops.
  // HTTP bodies are kept up to max_payload_kept too (Http::truncated).
  std::size_t max_http_head = 64 * 1024;
  // Set: client requests are checked as a server would (request_rules.h) and
  // a refused one comes back in FeedResult::refused; c2s decoding then stops.
  std::optional<RequestLimits> request_rules{};
};

// A rule a decoded frame breaks, found while decoding (RFC 6455, server role:
// client frames must be masked, server frames must not be, control frames
// <= 125 bytes and not fragmented, no reserved opcodes, no RSV bits without a
// negotiated extension; 5.4: no continuation without a fragmented message
// open, no new data frame inside one; 5.5.1/7.4/8.1: a close body is empty or
// a code that may be sent plus a UTF-8 reason, 1007 for the reason). The frame
// is still emitted; the caller decides. 5.2's 64-bit length with its top bit
// set is a breach too, on the Raw unit that holds the header read so far.
struct FrameBreach {
  std::size_t unit_index = 0;   // index into the units returned by the same feed()
  Error error;                  // rule "RFC 6455 5.1" etc., reason, offset
  std::uint16_t close_code = 1002;
};

struct FeedResult {
  std::vector<Unit> units;
  std::vector<FrameBreach> breaches;
  std::vector<HttpBreach> refused;   // request_rules; unit_index into units
};

class StreamDecoder {
 public:
  enum class Phase : std::uint8_t { http, websocket, stopped };

  explicit StreamDecoder(StreamDecoderOptions options = {});
  ~StreamDecoder();
  StreamDecoder(StreamDecoder&&) noexcept;
  StreamDecoder& operator=(StreamDecoder&&) noexcept;

  // Bytes seen in one direction, any chunking. Complete units come back.
  FeedResult feed(Direction dir, std::span<const std::uint8_t> bytes);
  // That direction ended (TCP FIN or connection gone): a response delimited
  // by the close is emitted, a unit cut short becomes Raw; the direction stops.
  FeedResult finish(Direction dir);

  Phase phase(Direction dir) const;
  // The negotiated Sec-WebSocket-Extensions after the 101 ("" when none);
  // permessage-deflate frames carry rsv1 (RFC 7692 6).
  const std::string& extensions() const;
  // Bytes buffered for a unit not yet complete, per direction.
  std::size_t pending(Direction dir) const;
  // Stream offset up to which this direction's bytes are judged (HttpSplitter::
  // settled while HTTP; with frames: a header once whole and within the rules,
  // a data frame's payload then as it comes, a control frame once whole, never
  // a frame that breaks a rule). A proxy that passes on only settled bytes
  // never lets its server see a request head before the rules did, frames
  // before the 101 went by, nor any part of a broken frame.
  std::uint64_t settled(Direction dir) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wire
