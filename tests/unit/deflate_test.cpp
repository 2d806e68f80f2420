// permessage-deflate (wire/deflate.h, RFC 7692): messages compressed here with
// zlib's raw deflate (window -15, Z_SYNC_FLUSH, the trailing 00 00 ff ff
// removed, as 7.2.1 says) inflate back across several messages that share
// one window; no_context_takeover resets it; output is bounded.
#include <gtest/gtest.h>

#include <zlib.h>

#include "wire/deflate.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::bytes_of;

// A sender's compressor: one z_stream for all its messages (context takeover).
class Compressor {
 public:
  explicit Compressor(bool no_context_takeover = false) : reset_each_(no_context_takeover) {
    EXPECT_EQ(deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
  }
  ~Compressor() { deflateEnd(&zs_); }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // RFC 7692 7.2.1: compress, flush with Z_SYNC_FLUSH, drop the final 00 00 ff ff.
  Bytes message(const Bytes& in) {
    Bytes out(in.size() + 64 + in.size() / 100);
    zs_.next_in = const_cast<Bytef*>(in.data());
    zs_.avail_in = static_cast<uInt>(in.size());
    zs_.next_out = out.data();
    zs_.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs_, Z_SYNC_FLUSH), Z_OK);
    out.resize(out.size() - zs_.avail_out);
    EXPECT_GE(out.size(), 4u);
    EXPECT_BYTES_EQ(test::from_hex("00 00 ff ff"), Bytes(out.end() - 4, out.end()));
    out.resize(out.size() - 4);
    if (reset_each_) deflateReset(&zs_);
    return out;
  }

 private:
  z_stream zs_{};
  bool reset_each_;
};

const std::vector<std::string> kMessages = {
    R"({"type":"say","text":"hello hello hello"})",
    R"({"type":"say","text":"hello hello hello"})",   // repeats: refers back into the window
    R"({"type":"typing","on":true})",
    std::string(5000, 'z'),
    R"({"type":"leave"})",
};

TEST(PerMessageInflater, InflatesMessagesSharingOneWindow) {
  Compressor sender;
  PerMessageInflater inflater;
  std::size_t second_size = 0;
  for (std::size_t i = 0; i < kMessages.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    const Bytes compressed = sender.message(bytes_of(kMessages[i]));
    if (i == 1) second_size = compressed.size();
    auto out = inflater.inflate_message(compressed);
    ASSERT_TRUE(out.ok()) << out.error().reason;
    EXPECT_BYTES_EQ(kMessages[i], *out);
  }
  EXPECT_LT(second_size, 10u) << "the repeated message should compress to a back-reference";
}

TEST(PerMessageInflater, SharedWindowNeedsThePreviousMessages) {
  Compressor sender;
  (void)sender.message(bytes_of(kMessages[0]));
  const Bytes second = sender.message(bytes_of(kMessages[1]));
  PerMessageInflater fresh;   // never saw message 0
  auto out = fresh.inflate_message(second);
  EXPECT_TRUE(!out.ok() || test::string_of(*out) != kMessages[1])
      << "a back-reference into a window we never saw cannot give the message";
}

TEST(PerMessageInflater, NoContextTakeoverResetsPerMessage) {
  Compressor sender(true);
  PerMessageInflater inflater(true);
  for (const auto& m : kMessages) {
    auto out = inflater.inflate_message(sender.message(bytes_of(m)));
    ASSERT_TRUE(out.ok()) << out.error().reason;
    EXPECT_BYTES_EQ(m, *out);
  }
}

TEST(PerMessageInflater, OutputIsBounded) {
  Compressor sender;
  PerMessageInflater inflater(false, 1000);
  auto out = inflater.inflate_message(sender.message(Bytes(100000, 'a')));
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().reason.find("more than 1000 bytes"), std::string::npos) << out.error().reason;
}

TEST(PerMessageInflater, BadDataIsAnErrorNotACrash) {
  PerMessageInflater inflater;
  auto out = inflater.inflate_message(test::from_hex("ff ff ff ff 00 12"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().rule, "RFC 7692 7.2.2");
  // After reset() the inflater works again.
  Compressor sender;
  auto again = inflater.inflate_message(sender.message(bytes_of("ok")));
  ASSERT_TRUE(again.ok()) << again.error().reason;
  EXPECT_BYTES_EQ(std::string("ok"), *again);
}

TEST(PerMessageInflater, EachDirectionTakesItsSendersParameters) {
  // RFC 7692 7.1.1: client_no_context_takeover binds the client's compressor
  // (frames c2s); the server's frames (s2c) keep their window here.
  PerMessageDeflateParams params;
  params.client_no_context_takeover = true;
  auto c2s = PerMessageInflater::for_direction(params, Direction::c2s);
  auto s2c = PerMessageInflater::for_direction(params, Direction::s2c);
  Compressor client(true), server(false);
  for (const auto& m : kMessages) {
    auto a = c2s.inflate_message(client.message(bytes_of(m)));
    auto b = s2c.inflate_message(server.message(bytes_of(m)));
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_BYTES_EQ(m, *a);
    EXPECT_BYTES_EQ(m, *b);
  }
  // A c2s inflater that (wrongly) resets cannot read a server that keeps its window.
  auto wrong = PerMessageInflater::for_direction(params, Direction::c2s);
  Compressor keeping(false);
  (void)wrong.inflate_message(keeping.message(bytes_of(kMessages[0])));
  auto second = wrong.inflate_message(keeping.message(bytes_of(kMessages[1])));
  EXPECT_TRUE(!second.ok() || test::string_of(*second) != kMessages[1]);
}

TEST(PermessageDeflateParams, ParsesTheNegotiatedParameters) {
  auto none = parse_permessage_deflate("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto p = parse_permessage_deflate("permessage-deflate; client_no_context_takeover; server_max_window_bits=10");
  ASSERT_TRUE(p.ok()) << p.error().reason;
  ASSERT_TRUE(p->has_value());
  EXPECT_TRUE((*p)->client_no_context_takeover);
  EXPECT_FALSE((*p)->server_no_context_takeover);
  EXPECT_EQ((*p)->server_max_window_bits, 10);
  EXPECT_FALSE(parse_permessage_deflate("permessage-deflate; server_max_window_bits=16").ok());
  EXPECT_FALSE(parse_permessage_deflate("permessage-deflate; bogus").ok());
  auto other = parse_permessage_deflate("x-webkit-deflate-frame");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
}

}  // namespace
}  // namespace wire
