// relay::demo::WsStranger: stranger A, a WebSocket client on raw sockets.
// Writes the 4.1 handshake (wire::build_upgrade_request) and checks the 101's
// Sec-WebSocket-Accept (4.2.2); sends masked frames (wire::encode_client_frame,
// 5.3) with keys from a KeySource; reads the relay's frames with
// wire::FrameHeaderDecoder and wire::MessageAssembler, answering pings (5.5.3).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "connection.h"
#include "keys.h"
#include "wire/frame.h"
#include "wire/message.h"

namespace relay::demo {

class WsStranger {
 public:
  WsStranger(std::uint16_t port, KeySource& keys, const std::atomic<bool>& stopping, bool tls = false);

  // TCP connect + opening handshake; throws DemoError unless the relay answers
  // 101 with the right Sec-WebSocket-Accept.
  void connect(Clock::time_point deadline);
  void send_text(std::string_view text);        // one masked text frame (fin)
  void send_ping(std::string_view payload);     // 5.5.2
  // The next chat message of this type, skipping others; pongs and pings are
  // handled on the way. Throws DemoError on timeout or when the relay closes.
  nlohmann::json expect(std::string_view type, Clock::time_point deadline);
  void expect_pong(Clock::time_point deadline);
  // 5.5.1 / 7.1.2: sends a close frame and waits for the relay's (bounded).
  void close(std::uint16_t code, std::string_view reason, Clock::time_point deadline);
  // Best effort on the way out: a close frame, no waiting.
  void close_now(std::uint16_t code) noexcept;
  bool connected() const { return conn_ != nullptr; }

 private:
  enum class Got : std::uint8_t { message, pong, close };
  Got read_one(Clock::time_point deadline);    // one message or control frame
  void send_frame(wire::Opcode op, std::span<const std::uint8_t> payload);

  std::uint16_t port_;
  KeySource& keys_;
  const std::atomic<bool>& stopping_;
  bool tls_;
  std::unique_ptr<Connection> conn_;
  std::vector<std::uint8_t> buf_;               // received, not yet decoded
  wire::FrameHeaderDecoder header_decoder_{wire::FrameRules{.from_client = false, .rsv1_negotiated = false}};
  std::optional<wire::FrameHeader> header_;     // decoded, its payload not complete yet
  wire::MessageAssembler assembler_;
  std::deque<nlohmann::json> inbox_;            // chat messages read but not yet expected
  std::size_t pongs_ = 0;
  bool close_received_ = false;
};

}  // namespace relay::demo
