// Capture files (wire/capture.h): JSON lines, `hello` first; a bad line is an
// error naming its line number and byte offset.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "wire/capture.h"
#include "wire_test_support.h"

namespace wire {
namespace {

std::vector<Event> sample() {
  Hello h;
  h.relay = "wirelab-relay test";
  Frame f;
  f.conn = 1;
  f.header = test::from_hex("81 05");
  f.payload = test::bytes_of("Hello");
  f.payload_len = 5;
  return {Event{0, 0, h}, Event{1, 10, Open{1, Transport::tcp}}, Event{2, 20, f},
          Event{3, 30, Close{1, ClosedBy::client, 1000, ""}}};
}

TEST(Capture, WritesOneLinePerEventAndReadsThemBack) {
  std::stringstream ss;
  write_capture(ss, sample());
  const std::string text = ss.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 4);
  EXPECT_EQ(text.rfind("{\"seq\":0,\"t_us\":0,\"kind\":\"hello\"", 0), 0u) << text;
  auto back = read_capture(ss);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  ASSERT_EQ(back->size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(to_json_line((*back)[i]), to_json_line(sample()[i]));
}

TEST(Capture, IgnoresEmptyLinesAndCrlf) {
  std::stringstream ss;
  ss << to_json_line(sample()[0]) << "\r\n\n" << to_json_line(sample()[1]) << "\n";
  auto back = read_capture(ss);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(back->size(), 2u);
}

TEST(Capture, FirstLineMustBeHello) {
  std::stringstream ss;
  ss << to_json_line(sample()[1]) << "\n";
  auto r = read_capture(ss);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason.rfind("line 1: ", 0), 0u) << r.error().reason;
  EXPECT_NE(r.error().reason.find("\"hello\""), std::string::npos) << r.error().reason;
  std::stringstream empty;
  EXPECT_FALSE(read_capture(empty).ok());
}

TEST(Capture, BadLineNamesItsNumberOffsetAndField) {
  std::stringstream ss;
  const std::string first = to_json_line(sample()[0]);
  const std::string second = to_json_line(sample()[1]);
  ss << first << "\n" << second << "\n" << R"({"seq":2,"t_us":0,"kind":"open","conn":true,"transport":"tcp"})" << "\n";
  auto r = read_capture(ss);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, "line 3: field \"conn\": must be an integer");
  EXPECT_EQ(r.error().offset, first.size() + second.size() + 2);
}

TEST(Capture, FileRoundTripAndMissingFile) {
  const std::string path = ::testing::TempDir() + "wirelab_capture_test." + std::to_string(::getpid()) + ".jsonl";
  {
    std::ofstream out(path, std::ios::binary);
    write_capture(out, sample());
  }
  auto back = read_capture_file(path);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  EXPECT_EQ(back->size(), 4u);
  std::remove(path.c_str());
  auto missing = read_capture_file(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().reason.find(path), std::string::npos);
}

}  // namespace
}  // namespace wire
