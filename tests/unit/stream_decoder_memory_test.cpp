// StreamDecoder (wire/stream_decoder.h) keeps its HTTP parsers only while it
// needs them: once both directions are WebSocket they are freed, because the
// relay's tap holds one decoder for every connection for its whole life
// (bench/README.md, "Memory per idle connection"). Live heap bytes are counted
// through this test program's operator new and delete.
#include <gtest/gtest.h>

#include <malloc.h>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>
#include <variant>

#include "wire/handshake.h"
#include "wire/stream_decoder.h"
#include "wire_test_support.h"

namespace {
std::size_t g_live = 0;   // bytes allocated through operator new and not yet deleted
}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  g_live += malloc_usable_size(p);
  return p;
}
void operator delete(void* p) noexcept {
  if (p != nullptr) g_live -= malloc_usable_size(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  if (p != nullptr) g_live -= malloc_usable_size(p);
  std::free(p);
}

namespace wire {
namespace {

using test::as_span;

constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";   // RFC 6455 1.3's example key
const std::string kUpgrade = build_upgrade_request("127.0.0.1:7681", "/chat", kKey);
const std::string k101 = build_accept_response(kKey);

TEST(StreamDecoderMemory, AfterThe101BothWaysTheHttpParsersAreFreed) {
  const std::size_t before = g_live;
  StreamDecoder decoder{StreamDecoderOptions{}};
  const std::size_t in_http = g_live - before;
  (void)decoder.feed(Direction::c2s, as_span(kUpgrade));
  (void)decoder.feed(Direction::s2c, as_span(k101));
  ASSERT_EQ(decoder.phase(Direction::c2s), StreamDecoder::Phase::websocket);
  ASSERT_EQ(decoder.phase(Direction::s2c), StreamDecoder::Phase::websocket);
  const std::size_t upgraded = g_live - before;
  EXPECT_LT(upgraded + 1000, in_http) << "live heap bytes of one decoder: " << in_http << " before the upgrade, "
                                      << upgraded << " after it; the HTTP parsers should be gone (about 2 KB)";
  // And it still reads frames: a masked "Hi" from the client.
  const auto frame = test::from_hex("8182 37fa213d 7f93");
  const FeedResult r = decoder.feed(Direction::c2s, frame);
  ASSERT_EQ(r.units.size(), 1U);
  EXPECT_TRUE(std::holds_alternative<Frame>(r.units[0]));
}

}  // namespace
}  // namespace wire
