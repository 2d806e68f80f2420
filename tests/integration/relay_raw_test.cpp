// Byte-exact mirror checks with wire's own encoder on a raw socket (issue 3,
// section 1): the frame a client really sent is the frame in the mirror, header,
// masking key and still-masked payload, byte for byte.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "relay_process.h"
#include "wire/events.h"
#include "wire/frame.h"
#include "wire_test_support.h"

namespace wirelab::it {
namespace {

using wire::test::from_hex;
using namespace std::chrono_literals;

// Mirror events, decoded from the mirror's text frames by wire::parse_event_line.
class MirrorClient {
 public:
  // Mirror events carry payloads as base64 (4/3 of 64 KiB and more): keep whole messages.
  explicit MirrorClient(std::uint16_t port) : raw_(port, "/mirror", "mirror", big_messages()) {}
  static wire::StreamDecoderOptions big_messages() {
    wire::StreamDecoderOptions o;
    o.max_payload_kept = 16 * 1024 * 1024;
    return o;
  }
  // The first event satisfying pred within the timeout.
  template <class Pred>
  std::optional<wire::Event> wait_for(Pred pred, std::chrono::milliseconds timeout = 15s) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      auto unit = raw_.next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
      if (!unit) return std::nullopt;
      const auto* frame = std::get_if<wire::Frame>(&*unit);
      if (frame == nullptr || frame->opcode != 0x1) continue;
      text_.append(frame->payload.begin(), frame->payload.end());
      if (!frame->fin) continue;
      auto event = wire::parse_event_line(text_);
      text_.clear();
      if (event.ok() && pred(event.value())) return std::move(event.value());
    }
    return std::nullopt;
  }
  // The conn id of the client whose upgrade request carried X-Wirelab-Test: marker.
  std::uint64_t conn_with_marker(const std::string& marker) {
    auto event = wait_for([&](const wire::Event& e) {
      const auto* http = std::get_if<wire::Http>(&e.body);
      if (http == nullptr || http->dir != wire::Direction::c2s) return false;
      for (const auto& [name, value] : http->headers) {
        if (name == "X-Wirelab-Test" && value == marker) return true;
      }
      return false;
    });
    if (!event) throw std::runtime_error("no http event with X-Wirelab-Test: " + marker);
    return std::get<wire::Http>(event->body).conn;
  }
  std::optional<wire::Frame> next_c2s_frame(std::uint64_t conn) {
    auto event = wait_for([&](const wire::Event& e) {
      const auto* f = std::get_if<wire::Frame>(&e.body);
      return f != nullptr && f->conn == conn && f->dir == wire::Direction::c2s;
    });
    if (!event) return std::nullopt;
    return std::get<wire::Frame>(event->body);
  }

 private:
  RawClient raw_;
  std::string text_;
};

TEST(RelayRaw, RfcMaskedHelloIsInTheMirrorExactly) {
  RelayProcess relay;
  MirrorClient mirror(relay.mirror_port);
  RawClient client(relay.port, "/echo", "rfc-hello");
  const std::uint64_t conn = mirror.conn_with_marker("rfc-hello");

  // RFC 6455 5.7: a single-frame masked text message "Hello" with key 37 fa 21 3d.
  const wire::Bytes hello = wire::encode_client_frame(wire::Opcode::text, from_hex("48 65 6c 6c 6f"),
                                                      {0x37, 0xfa, 0x21, 0x3d});
  EXPECT_BYTES_EQ(from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), hello);
  client.send_bytes(hello);

  const auto echo = client.next(15s);
  ASSERT_TRUE(echo.has_value()) << "no echo from /echo";
  ASSERT_TRUE(std::holds_alternative<wire::Frame>(*echo));
  EXPECT_BYTES_EQ(from_hex("48 65 6c 6c 6f"), std::get<wire::Frame>(*echo).payload);

  const auto seen = mirror.next_c2s_frame(conn);
  ASSERT_TRUE(seen.has_value()) << "no c2s frame event for conn " << conn;
  EXPECT_BYTES_EQ(from_hex("81 85 37 fa 21 3d"), seen->header);
  EXPECT_BYTES_EQ(from_hex("7f 9f 4d 51 58"), seen->payload);
  ASSERT_TRUE(seen->mask_key.has_value());
  EXPECT_EQ(wire::mask_key_hex(*seen->mask_key), "37fa213d");
  EXPECT_TRUE(seen->masked);
  EXPECT_TRUE(seen->fin);
  EXPECT_EQ(seen->opcode, 0x1);
  EXPECT_EQ(seen->payload_len, 5U);
}

TEST(RelayRaw, RandomMaskKeysAppearAsSent) {
  RelayProcess relay;
  MirrorClient mirror(relay.mirror_port);
  RawClient client(relay.port, "/echo", "random-keys");
  const std::uint64_t conn = mirror.conn_with_marker("random-keys");
  // Random on purpose (hard-coded answers fail), and logged so a failure can be replayed.
  const char* fixed = std::getenv("WIRELAB_SEED");
  const std::uint32_t seed = fixed ? static_cast<std::uint32_t>(std::strtoul(fixed, nullptr, 10)) : std::random_device{}();
  std::printf("RandomMaskKeysAppearAsSent: seed %u (re-run with WIRELAB_SEED=%u)\n", seed, seed);
  RecordProperty("seed", std::to_string(seed));
  SCOPED_TRACE("seed " + std::to_string(seed) + ": re-run with WIRELAB_SEED=" + std::to_string(seed));
  std::mt19937 rng(seed);
  for (const std::size_t size : {0UL, 1UL, 125UL, 126UL, 4000UL, 65535UL, 65536UL}) {
    SCOPED_TRACE("payload of " + std::to_string(size) + " bytes");
    wire::Bytes payload(size);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    const wire::MaskingKey key = {static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                                  static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
    const wire::Bytes frame = wire::encode_client_frame(wire::Opcode::binary, payload, key);
    client.send_bytes(frame);
    const auto echo = client.next(15s);
    ASSERT_TRUE(echo.has_value()) << "no echo";
    const auto seen = mirror.next_c2s_frame(conn);
    ASSERT_TRUE(seen.has_value()) << "no c2s frame event";
    const std::size_t header_len = frame.size() - size;
    EXPECT_BYTES_EQ(wire::Bytes(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(header_len)), seen->header);
    EXPECT_BYTES_EQ(wire::Bytes(frame.begin() + static_cast<std::ptrdiff_t>(header_len), frame.end()), seen->payload);
    ASSERT_TRUE(seen->mask_key.has_value());
    EXPECT_EQ(*seen->mask_key, (std::uint32_t{key[0]} << 24) | (std::uint32_t{key[1]} << 16) |
                                   (std::uint32_t{key[2]} << 8) | key[3]);
    EXPECT_FALSE(seen->truncated);
  }
}

}  // namespace
}  // namespace wirelab::it
