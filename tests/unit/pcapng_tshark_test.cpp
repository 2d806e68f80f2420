// A real peer for wire: a conversation built with wire's encoders, decoded by
// wire's StreamDecoder, exported with capture_to_pcapng, then decoded by
// Debian's tshark. Both must agree on every frame's opcode, payload length,
// masking key and unmasked payload, and tshark verifies every IPv4 and TCP
// checksum. tshark comes from scripts/setup: when it
// is missing this test FAILS (it never skips).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "wire/frame.h"
#include "wire/mask.h"
#include "wire/pcapng.h"
#include "wire/stream_decoder.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::as_span;
using test::bytes_of;

const std::string kUpgrade =
    "GET /chat HTTP/1.1\r\nHost: 127.0.0.1:7681\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const std::string k101 =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";

std::string hex(std::span<const std::uint8_t> b) {
  std::string out;
  char buf[3];
  for (auto x : b) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(x));
    out += buf;
  }
  return out;
}

std::string run(const std::string& command, int& status) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) {
    status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  status = ::pclose(p);
  return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep)) out.push_back(cur);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

std::string without_colons(std::string s) {
  std::erase(s, ':');
  return s;
}

// What wire says about one frame, in tshark's terms.
struct Expected {
  int opcode;
  std::uint64_t payload_len;
  std::string masking_key;   // hex, "" when unmasked
  std::string unmasked_hex;  // what tshark shows: the frame's unmasked payload, except that it shows a
                             // fragmented message whole on its last fragment and nothing on the others
};

TEST(PcapngTshark, TsharkDecodesTheSameFramesAsWire) {
  int status = 0;
  run("command -v tshark >/dev/null 2>&1", status);
  ASSERT_EQ(status, 0) << "tshark is not installed: run scripts/setup (Debian package tshark); "
                          "this peer test must not be skipped";

  const MaskingKey k1{0x37, 0xfa, 0x21, 0x3d}, k2{0x01, 0x02, 0x03, 0x04}, k3{0xa0, 0xb1, 0xc2, 0xd3};
  const Bytes close_payload{0x03, 0xe8, 'b', 'y', 'e'};   // 1000 "bye" (an insert() here trips g++ 12's -O2 array-bounds)
  Bytes big(70000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<std::uint8_t>(i * 7);
  const std::vector<Bytes> c2s_frames = {
      encode_client_frame(Opcode::text, as_span("Hello"), k1),
      encode_client_frame(Opcode::text, as_span("Hel"), k2, false),
      encode_client_frame(Opcode::continuation, as_span("lo"), k3, true),
      encode_client_frame(Opcode::ping, as_span("are you there"), k2),
      encode_client_frame(Opcode::binary, Bytes(300, 0x5a), k3),
      encode_client_frame(Opcode::binary, big, k1),
      encode_client_frame(Opcode::close, close_payload, k2),
  };
  const std::vector<Bytes> s2c_frames = {
      encode_server_frame(Opcode::text, as_span("Hello")),
      encode_server_frame(Opcode::pong, as_span("are you there")),
      encode_server_frame(Opcode::close, close_payload),
  };

  // Decode with wire, as the relay's tap does, and number the events.
  StreamDecoder decoder(StreamDecoderOptions{1 << 20, 64 * 1024});   // keep the 70000-byte payload whole
  std::vector<Event> events{Event{0, 0, Hello{}}, Event{1, 100, Open{1, Transport::tcp}}};
  std::vector<Expected> expected;
  std::string message_hex[2];   // per direction: the fragmented message so far
  auto take = [&](FeedResult r) {
    for (auto& u : r.units) {
      Event e{events.size(), static_cast<std::int64_t>(events.size()) * 1000, {}};
      std::visit([&](auto& x) {
        x.conn = 1;
        e.body = x;
      }, u);
      if (const Frame* f = std::get_if<Frame>(&u)) {
        Bytes payload = f->payload;
        std::string key;
        if (f->mask_key) {
          const std::uint32_t v = *f->mask_key;
          const MaskingKey mk{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                              static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
          apply_mask(payload, mk);
          key = mask_key_hex(v);
        }
        std::string shown = hex(payload);
        std::string& message = message_hex[f->dir == Direction::c2s ? 0 : 1];
        if (f->opcode == 0 || !f->fin) {   // 5.4: a fragment; tshark reassembles the message
          if (f->opcode != 0) message.clear();
          message += shown;
          shown = f->fin ? message : "";
        }
        expected.push_back(Expected{f->opcode, f->payload_len, key, shown});
      }
      events.push_back(std::move(e));
    }
    ASSERT_TRUE(r.breaches.empty()) << r.breaches.front().error.reason;
  };
  take(decoder.feed(Direction::c2s, as_span(kUpgrade)));
  take(decoder.feed(Direction::s2c, as_span(k101)));
  for (std::size_t i = 0; i < c2s_frames.size(); ++i) {
    take(decoder.feed(Direction::c2s, c2s_frames[i]));
    if (i < s2c_frames.size() && i != 2) take(decoder.feed(Direction::s2c, s2c_frames[i]));
  }
  take(decoder.feed(Direction::s2c, s2c_frames[2]));
  events.push_back(Event{events.size(), 99000, Close{1, ClosedBy::client, 1000, "bye"}});
  ASSERT_EQ(expected.size(), c2s_frames.size() + s2c_frames.size());

  const std::string path = ::testing::TempDir() + "wirelab_tshark_peer_test." + std::to_string(::getpid()) + ".pcapng";
  auto written = write_pcapng_file(path, events);
  ASSERT_TRUE(written.ok()) << written.error().reason;

  const std::string command =
      "tshark -n -r '" + path + "' -Y websocket -T fields -E separator='|' -E occurrence=f"
      " -e websocket.opcode -e websocket.payload_length -e websocket.payload_length_ext_16"
      " -e websocket.payload_length_ext_64 -e websocket.masking_key -e websocket.payload.text"
      " -e websocket.payload.ping -e websocket.payload.pong -e websocket.payload.close.status_code"
      " -e websocket.payload.close.reason -e data.data 2>&1";
  const std::string output = run(command, status);
  ASSERT_EQ(status, 0) << command << "\n" << output;
  std::vector<std::string> rows;
  for (auto& line : split(output, '\n')) {
    if (line.find('|') != std::string::npos) rows.push_back(line);
  }
  ASSERT_EQ(rows.size(), expected.size()) << "tshark output:\n" << output;

  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("frame " + std::to_string(i) + ": tshark row \"" + rows[i].substr(0, 200) + "\"");
    const auto f = split(rows[i], '|');
    ASSERT_GE(f.size(), 11u);
    const Expected& e = expected[i];
    EXPECT_EQ(std::stoi(f[0]), e.opcode) << "opcode";
    const std::string& len = !f[3].empty() ? f[3] : !f[2].empty() ? f[2] : f[1];
    EXPECT_EQ(std::stoull(len), e.payload_len) << "payload length";
    EXPECT_EQ(without_colons(f[4]), e.masking_key) << "masking key";
    // The unmasked payload as tshark shows it: text as text, the rest as hex.
    std::string got;
    if (e.opcode == 1 || (e.opcode == 0 && !f[5].empty())) got = hex(as_span(f[5]));
    else if (e.opcode == 9) got = without_colons(f[6]);
    else if (e.opcode == 10) got = without_colons(f[7]);
    else if (e.opcode == 8) {
      char code[5];
      std::snprintf(code, sizeof code, "%04x", static_cast<unsigned>(std::stoul(f[8])));
      got = code + hex(as_span(f[9]));
    } else {
      got = without_colons(f[10]);
    }
    EXPECT_EQ(got.substr(0, 256), e.unmasked_hex.substr(0, 256)) << "unmasked payload";
    EXPECT_EQ(got.size(), e.unmasked_hex.size()) << "unmasked payload length in hex digits";
  }

  // RFC 791 3.1 and RFC 9293 3.1: tshark recomputes every IPv4 header and TCP checksum itself
  // (validation is off by default). pcapng_test.cpp can only ask internet_checksum, the function
  // that wrote them, so this is the one independent check. Status: 0 bad, 1 good, 2 unverified.
  const std::string sums_command = "tshark -n -r '" + path + "' -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE"
                                   " -T fields -E separator='|' -e frame.number -e ip.checksum.status"
                                   " -e tcp.checksum.status 2>&1";
  const std::string sums = run(sums_command, status);
  ASSERT_EQ(status, 0) << sums_command << "\n" << sums;
  std::size_t packets = 0;
  for (const auto& line : split(sums, '\n')) {
    if (line.find('|') == std::string::npos) continue;   // tshark's own notes ("Running as user root ...")
    ++packets;
    const auto f = split(line, '|');
    ASSERT_EQ(f.size(), 3u) << "tshark row \"" << line << "\"";
    EXPECT_EQ(f[1], "1") << "IPv4 header checksum of packet " << f[0] << " should be good (1), tshark says " << f[1];
    EXPECT_EQ(f[2], "1") << "TCP checksum of packet " << f[0] << " should be good (1), tshark says " << f[2];
  }
  EXPECT_GE(packets, rows.size()) << "tshark should list every packet:\n" << sums;
  if (!HasFailure()) std::remove(path.c_str());
}

}  // namespace
}  // namespace wire
