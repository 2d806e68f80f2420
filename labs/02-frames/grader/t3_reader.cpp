// Lab 2 grader, task 4: FrameReader over a stream cut into pieces of any size.
#include "support.h"

#include <algorithm>

using lab2::Bytes;
using ws::DecodeStatus;
using ws::Opcode;

namespace {

struct Wire {
  Bytes bytes;                     // every frame, back to back
  std::vector<ws::Frame> frames;   // what next() must hand out, in order
};

void add(Wire& w, const ws::FrameHeader& h, const Bytes& payload) {
  Bytes head = lab2::expected_bytes(h);
  w.bytes.insert(w.bytes.end(), head.begin(), head.end());
  w.bytes.insert(w.bytes.end(), payload.begin(), payload.end());
  w.frames.push_back(ws::Frame{h, payload});
}

void feed(ws::FrameReader& reader, const Bytes& bytes, std::size_t from, std::size_t n) {
  grade::step("feed(" + std::to_string(n) + " bytes: \"" +
              grade::hex(std::span<const std::uint8_t>(bytes.data() + from, n), 16) + "\")");
  reader.feed(std::span<const std::uint8_t>(bytes.data() + from, n));
}

// Checks that next() gives `want` (header and payload).
void expect_frame(const ws::FrameResult& r, const ws::Frame& want) {
  GRADE_ASSERT_EQ("status", DecodeStatus::complete, r.status);
  GRADE_EXPECT_EQ("frame.header", want.header, r.frame.header);
  GRADE_EXPECT_EQ("frame.payload", want.payload, r.frame.payload);
}

}  // namespace

GRADED_TEST(Reader, ManyFramesInOneFeed, 2,
            "One read from a socket can hold several frames: next() hands out one whole frame per call "
            "(header and payload_len bytes of payload) and keeps the rest for the next call.") {
  Wire w;
  add(w, lab2::header(Opcode::text, 5), {'H', 'e', 'l', 'l', 'o'});
  add(w, lab2::masked(lab2::header(Opcode::binary, 300)), lab2::random_bytes(300));
  add(w, lab2::header(Opcode::ping, 0), {});
  ws::FrameReader reader;
  feed(reader, w.bytes, 0, w.bytes.size());
  for (const auto& f : w.frames) {
    grade::step("next()");
    expect_frame(reader.next(), f);
  }
  grade::step("next() with nothing left");
  auto r = reader.next();
  GRADE_EXPECT_EQ("status", DecodeStatus::need_more, r.status);
  GRADE_EXPECT_EQ("bytes_needed", std::size_t{2}, r.bytes_needed);
}

GRADED_TEST(Reader, AnyChunking, 3,
            "TCP keeps the bytes in order but cuts them anywhere: inside a header, inside a payload, or "
            "between frames. Keep what was fed until a whole frame is there; lengths of 0, 125, 126 and "
            "65536 must all work.") {
  Wire w;
  for (int i = 0; i < 24; ++i) {
    auto h = lab2::random_header();
    if (h.payload_len > 70000) h.payload_len = grade::rng()() % 70000;
    if (i == 0) h.payload_len = 0;
    if (i == 1) h.payload_len = 65536;
    add(w, h, lab2::random_bytes(static_cast<std::size_t>(h.payload_len)));
  }
  grade::step("24 frames, " + std::to_string(w.bytes.size()) + " bytes in all, fed in random pieces");
  ws::FrameReader reader;
  std::size_t at = 0, next_frame = 0;
  while (at < w.bytes.size()) {
    // Two draws, in this order (one expression would leave their order to the compiler, and the
    // pieces, and so the transcript, would differ between builds).
    const bool tiny = grade::rng()() % 3 == 0;
    const auto draw = grade::rng()();
    std::size_t n = std::min<std::size_t>(w.bytes.size() - at, 1 + draw % (tiny ? 5 : 3000));
    feed(reader, w.bytes, at, n);
    at += n;
    for (;;) {
      auto r = reader.next();
      if (r.status == DecodeStatus::need_more) break;
      grade::step("next() -> frame " + std::to_string(next_frame));
      GRADE_ASSERT_EQ("a frame that was sent (not one more)", true, next_frame < w.frames.size());
      expect_frame(r, w.frames[next_frame++]);
      if (testing::Test::HasFailure()) return;
    }
  }
  GRADE_EXPECT_EQ("frames handed out", w.frames.size(), next_frame);
}

GRADED_TEST(Reader, BytesNeeded, 1,
            "need_more from next() says how many bytes are still missing: of the header while it is "
            "incomplete, then of the payload.") {
  Wire w;
  add(w, lab2::masked(lab2::header(Opcode::binary, 300)), lab2::random_bytes(300));
  ws::FrameReader reader;
  const std::size_t steps[][2] = {{1, 1}, {3, 5}, {8, 300}, {108, 200}};  // {bytes fed so far, then needed}
  std::size_t fed = 0;
  for (const auto& s : steps) {
    feed(reader, w.bytes, fed, s[0] - fed);
    fed = s[0];
    grade::step("next()");
    auto r = reader.next();
    GRADE_ASSERT_EQ("status", DecodeStatus::need_more, r.status);
    GRADE_EXPECT_EQ("bytes_needed", s[1], r.bytes_needed);
  }
  feed(reader, w.bytes, fed, w.bytes.size() - fed);
  grade::step("next()");
  expect_frame(reader.next(), w.frames[0]);
}

GRADED_TEST(Reader, TooBig, 1,
            "Bound what you buffer: as soon as a header says payload_len > max_payload_len, next() answers "
            "too_big (the server closes with 1009, RFC 6455 7.4.1), without waiting for the payload.") {
  ws::FrameReader reader(1000);
  Wire w;
  add(w, lab2::header(Opcode::binary, 1000), lab2::random_bytes(1000));
  grade::step("FrameReader reader(1000)");
  feed(reader, w.bytes, 0, w.bytes.size());
  grade::step("next()");
  expect_frame(reader.next(), w.frames[0]);
  Bytes head = lab2::expected_bytes(lab2::header(Opcode::binary, 1001));
  feed(reader, head, 0, head.size());
  grade::step("next() (only the header of a 1001-byte frame is there)");
  GRADE_EXPECT_EQ("status", DecodeStatus::too_big, reader.next().status);
}

GRADED_TEST(Reader, BrokenStaysBroken, 1,
            "After an invalid frame the stream cannot be trusted (where would the next frame start?): "
            "next() keeps answering invalid, whatever is fed after.") {
  ws::FrameReader reader;
  Bytes bytes = {0x81, 0x02, 'h', 'i', 0xc1, 0x00, 0x81, 0x02, 'h', 'i'};
  feed(reader, bytes, 0, bytes.size());
  grade::step("next()");
  expect_frame(reader.next(), ws::Frame{lab2::header(Opcode::text, 2), {'h', 'i'}});
  grade::step("next() (RSV1 set)");
  GRADE_EXPECT_EQ("status", DecodeStatus::invalid, reader.next().status);
  grade::step("next() again");
  GRADE_EXPECT_EQ("status", DecodeStatus::invalid, reader.next().status);
}
