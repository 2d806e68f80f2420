// relay/demo's KeySource: fixed with --deterministic, fresh otherwise.
#include <gtest/gtest.h>

#include <set>

#include "relay/demo/keys.h"
#include "wire/base64.h"
#include "wire/handshake.h"

namespace relay::demo {
namespace {

TEST(DemoKeys, DeterministicKeyIsRfc6455Example) {
  KeySource keys(true);
  EXPECT_EQ(keys.next_sec_websocket_key(), "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(keys.next_sec_websocket_key(), "dGhlIHNhbXBsZSBub25jZQ==") << "every handshake uses the RFC's key";
  EXPECT_EQ(wire::sec_websocket_accept(kRfcExampleKey), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(DemoKeys, DeterministicMaskKeysRepeatAcrossRuns) {
  KeySource run1(true), run2(true);
  for (int i = 0; i < 100; ++i) {
    const auto k1 = run1.next_masking_key();
    const auto k2 = run2.next_masking_key();
    ASSERT_EQ(k1, k2) << "mask key " << i << " differs between two deterministic runs";
  }
}

TEST(DemoKeys, MaskKeysVary) {
  KeySource keys(true);
  std::set<wire::MaskingKey> seen;
  for (int i = 0; i < 100; ++i) seen.insert(keys.next_masking_key());
  EXPECT_GE(seen.size(), 99u) << "5.3: each frame needs a fresh masking key";
}

TEST(DemoKeys, RandomKeysAreBase64Of16BytesAndDiffer) {
  KeySource a(false), b(false);
  const std::string ka = a.next_sec_websocket_key();
  const std::string kb = b.next_sec_websocket_key();
  const auto raw = wire::base64_decode(ka);
  ASSERT_TRUE(raw.has_value()) << "\"" << ka << "\" is not base64";
  EXPECT_EQ(raw->size(), 16u) << "4.1: the key is 16 random bytes";
  EXPECT_NE(ka, kb);
  EXPECT_NE(ka, kRfcExampleKey);
}

TEST(DemoKeys, NextBetweenStaysInRange) {
  KeySource keys(true);
  for (int i = 0; i < 1000; ++i) {
    const auto v = keys.next_between(1000, 2000);
    ASSERT_GE(v, 1000u);
    ASSERT_LE(v, 2000u);
  }
  EXPECT_EQ(keys.next_between(5, 5), 5u);
}

}  // namespace
}  // namespace relay::demo
