// WsStranger: the client side of RFC 6455, one blocking call at a time.
#include "ws_stranger.h"

#include <array>
#include <variant>

#include "wire/close_code.h"
#include "wire/handshake.h"
#include "wire/http.h"

namespace relay::demo {

namespace {
std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
}  // namespace

WsStranger::WsStranger(std::uint16_t port, KeySource& keys, const std::atomic<bool>& stopping, bool tls)
    : port_(port), keys_(keys), stopping_(stopping), tls_(tls) {}

void WsStranger::connect(Clock::time_point deadline) {
  // A fresh connection: nothing of the previous one carries over.
  conn_ = std::make_unique<Connection>(port_, stopping_, tls_);
  buf_.clear();
  header_.reset();
  header_decoder_.reset();
  assembler_.reset();
  inbox_.clear();
  pongs_ = 0;
  close_received_ = false;
  const std::string key = keys_.next_sec_websocket_key();
  std::string request = wire::build_upgrade_request("127.0.0.1:" + std::to_string(port_), "/chat?bot=a", key);
  request.insert(request.size() - 2, "User-Agent: wirelab-demo/0.1 (stranger A, WebSocket)\r\n");
  conn_->write_all(request);

  wire::HttpSplitter splitter;
  splitter.feed(wire::Direction::c2s, as_bytes(request));
  std::array<std::uint8_t, 4096> chunk{};
  for (;;) {
    const std::size_t n = conn_->read_some(chunk, deadline);
    if (n == 0) throw DemoError("the relay closed the connection during the handshake");
    wire::HttpFeed fed = splitter.feed(wire::Direction::s2c, std::span(chunk.data(), n));
    for (const auto& unit : fed.units) {
      const auto* http = std::get_if<wire::Http>(&unit);
      if (!http) throw DemoError("the handshake answer did not parse as HTTP/1.1");
      if (http->dir != wire::Direction::s2c) continue;
      const auto status = wire::parse_status_line(http->start_line);
      // 4.1: any status other than 101 means the handshake failed.
      if (!status || status->status != 101) throw DemoError("the relay answered the upgrade with " + http->start_line);
      // 4.1: the client MUST fail the connection unless the accept matches its key.
      const auto accept = wire::find_header(http->headers, "Sec-WebSocket-Accept");
      if (accept != wire::sec_websocket_accept(key)) throw DemoError("wrong Sec-WebSocket-Accept in the 101");
      for (const auto& ws : fed.websocket) {
        if (ws.dir == wire::Direction::s2c) buf_.insert(buf_.end(), ws.bytes.begin(), ws.bytes.end());
      }
      return;
    }
  }
}

void WsStranger::send_frame(wire::Opcode op, std::span<const std::uint8_t> payload) {
  if (!conn_) throw DemoError("not connected");
  // 5.3: a fresh masking key for every frame a client sends.
  const wire::Bytes frame = wire::encode_client_frame(op, payload, keys_.next_masking_key());
  conn_->write_all(frame);
}

void WsStranger::send_text(std::string_view text) { send_frame(wire::Opcode::text, as_bytes(text)); }
void WsStranger::send_ping(std::string_view payload) { send_frame(wire::Opcode::ping, as_bytes(payload)); }

WsStranger::Got WsStranger::read_one(Clock::time_point deadline) {
  if (!conn_) throw DemoError("not connected");
  std::array<std::uint8_t, 16 * 1024> chunk{};
  for (;;) {
    // 5.2: first the header (the decoder keeps the bytes it consumed), then payload_len bytes.
    if (!header_ && !buf_.empty()) {
      const auto step = header_decoder_.feed(buf_);
      buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(step.consumed));
      if (step.status == wire::FrameHeaderDecoder::Status::error) {
        throw DemoError("the relay sent a frame that breaks RFC 6455: " + wire::frame_error(*step.error, 0).reason);
      }
      if (step.status == wire::FrameHeaderDecoder::Status::done) header_ = step.header;
    }
    if (header_ && buf_.size() >= header_->payload_len) {
      const auto len = static_cast<std::ptrdiff_t>(header_->payload_len);
      const wire::Bytes payload(buf_.begin(), buf_.begin() + len);   // server frames are not masked (5.1)
      buf_.erase(buf_.begin(), buf_.begin() + len);
      const auto out = assembler_.feed(*header_, payload);
      header_.reset();
      header_decoder_.reset();
      switch (out.kind) {
        case wire::MessageAssembler::Kind::need_more:
          continue;
        case wire::MessageAssembler::Kind::error:
          throw DemoError("the relay's message breaks RFC 6455: " + out.error.reason);
        case wire::MessageAssembler::Kind::control:
          if (out.message.opcode == wire::Opcode::ping) {   // 5.5.2: answer with a pong, same payload
            send_frame(wire::Opcode::pong, out.message.payload);
            continue;
          }
          if (out.message.opcode == wire::Opcode::pong) return Got::pong;
          close_received_ = true;
          return Got::close;
        case wire::MessageAssembler::Kind::message: {
          if (out.message.opcode != wire::Opcode::text) continue;   // the chat speaks text only
          auto j = nlohmann::json::parse(out.message.payload.begin(), out.message.payload.end(), nullptr, false);
          if (!j.is_discarded() && j.is_object()) inbox_.push_back(std::move(j));
          return Got::message;
        }
      }
      continue;
    }
    const std::size_t n = conn_->read_some(chunk, deadline);
    if (n == 0) throw DemoError("the relay closed the connection");
    buf_.insert(buf_.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(n));
  }
}

nlohmann::json WsStranger::expect(std::string_view type, Clock::time_point deadline) {
  for (;;) {
    while (!inbox_.empty()) {
      nlohmann::json j = std::move(inbox_.front());
      inbox_.pop_front();
      if (j.value("type", "") == type) return j;
    }
    if (read_one(deadline) == Got::close) throw DemoError("the relay closed the WebSocket");
  }
}

void WsStranger::expect_pong(Clock::time_point deadline) {
  while (pongs_ == 0) {
    const Got g = read_one(deadline);
    if (g == Got::pong) ++pongs_;
    if (g == Got::close) throw DemoError("the relay closed the WebSocket");
  }
  --pongs_;
}

void WsStranger::close(std::uint16_t code, std::string_view reason, Clock::time_point deadline) {
  if (!conn_) return;
  const wire::Bytes payload = wire::encode_close_payload(code, reason);
  send_frame(wire::Opcode::close, payload);
  // 7.1.2: after sending a close, wait for the other side's close, then the TCP close (server first, 7.1.1).
  try {
    while (!close_received_) read_one(deadline);
  } catch (const DemoError&) {
    // the relay went away without its close frame: the connection is over anyway
  }
  conn_.reset();
}

void WsStranger::close_now(std::uint16_t code) noexcept {
  try {
    if (conn_) send_frame(wire::Opcode::close, wire::encode_close_payload(code));
  } catch (...) {
    // best effort: we are stopping
  }
  conn_.reset();
}

}  // namespace relay::demo
