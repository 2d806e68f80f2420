// permessage-deflate (RFC 7692): reading the negotiated parameters from the
// 101 and inflating captured messages, one inflater per direction, with the
// LZ77 window kept across messages (context takeover) unless negotiated off.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "wire/events.h"
#include "wire/result.h"

namespace wire {

// RFC 7692 7.1: the extension parameters as the server accepted them.
struct PerMessageDeflateParams {
  bool server_no_context_takeover = false;   // 7.1.1.1: the server resets its compressor per message
  bool client_no_context_takeover = false;   // 7.1.1.2: the client resets its compressor per message
  int server_max_window_bits = 15;           // 7.1.2.1: 8-15
  int client_max_window_bits = 15;           // 7.1.2.2: 8-15
};

// From a Sec-WebSocket-Extensions value (the 101's; StreamDecoder::extensions()):
// nullopt when permessage-deflate is not in it, an Error when its parameters are bad.
Result<std::optional<PerMessageDeflateParams>> parse_permessage_deflate(std::string_view extensions);

class PerMessageInflater {
 public:
  static constexpr std::size_t kDefaultMaxMessage = 16 * 1024 * 1024;

  // no_context_takeover: the sender resets its window per message, so we do too.
  explicit PerMessageInflater(bool no_context_takeover = false, std::size_t max_message_size = kDefaultMaxMessage);
  // The inflater for the frames one side sends: c2s uses the client_* parameters.
  static PerMessageInflater for_direction(const PerMessageDeflateParams& params, Direction dir,
                                          std::size_t max_message_size = kDefaultMaxMessage);
  ~PerMessageInflater();
  PerMessageInflater(PerMessageInflater&&) noexcept;
  PerMessageInflater& operator=(PerMessageInflater&&) noexcept;

  // RFC 7692 7.2.2: the payload of one whole compressed message (RSV1 on its
  // first frame; the unmasked payloads of its fragments joined). Appends
  // 00 00 ff ff and inflates. An error (bad DEFLATE data, or output over
  // max_message_size) also resets the window: later messages that refer to it fail too.
  Result<Bytes> inflate_message(std::span<const std::uint8_t> compressed);
  // Drops the window (a new connection, or after an error).
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wire
