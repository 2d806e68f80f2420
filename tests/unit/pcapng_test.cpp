// pcapng export (wire/pcapng.h): block structure, IPv4/TCP checksums,
// sequence numbers from offsets, the handshake and the FIN exchange.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>

#include <unistd.h>

#include "wire/pcapng.h"
#include "wire_test_support.h"

namespace wire {
namespace {

std::uint32_t le32(const Bytes& b, std::size_t at) {
  return std::uint32_t{b[at]} | (std::uint32_t{b[at + 1]} << 8) | (std::uint32_t{b[at + 2]} << 16) |
         (std::uint32_t{b[at + 3]} << 24);
}
std::uint32_t be32(const Bytes& b, std::size_t at) {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) | (std::uint32_t{b[at + 2]} << 8) | b[at + 3];
}
std::uint16_t be16(const Bytes& b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

struct Block {
  std::uint32_t type;
  Bytes body;
};

// Walks the blocks, checking that both length fields agree and are 32-bit aligned.
std::vector<Block> blocks_of(const Bytes& file) {
  std::vector<Block> out;
  std::size_t at = 0;
  while (at + 12 <= file.size()) {
    const std::uint32_t type = le32(file, at), len = le32(file, at + 4);
    EXPECT_EQ(len % 4, 0u) << "block at " << at;
    if (len < 12 || at + len > file.size()) {
      ADD_FAILURE() << "block at " << at << " has length " << len << " past the end (" << file.size() << ")";
      break;
    }
    EXPECT_EQ(le32(file, at + len - 4), len) << "trailing length of block at " << at;
    out.push_back(Block{type, Bytes(file.begin() + static_cast<std::ptrdiff_t>(at + 8),
                                    file.begin() + static_cast<std::ptrdiff_t>(at + len - 4))});
    at += len;
  }
  EXPECT_EQ(at, file.size());
  return out;
}

struct Packet {
  std::uint64_t t_us;
  Bytes ip;   // IPv4 header + TCP header + payload
  std::uint16_t sport() const { return be16(ip, 20); }
  std::uint32_t seq() const { return be32(ip, 24); }
  std::uint32_t ack() const { return be32(ip, 28); }
  std::uint8_t flags() const { return ip[33]; }
  Bytes payload() const { return Bytes(ip.begin() + 40, ip.end()); }
};

std::vector<Packet> packets_of(const Bytes& file) {
  std::vector<Packet> out;
  for (const auto& b : blocks_of(file)) {
    if (b.type != 6) continue;
    const std::uint32_t caplen = le32(b.body, 12);
    Packet p{(std::uint64_t{le32(b.body, 4)} << 32) | le32(b.body, 8),
             Bytes(b.body.begin() + 20, b.body.begin() + 20 + caplen)};
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Event> conversation() {
  Http req;
  req.conn = 7;
  req.bytes = test::bytes_of("GET /chat HTTP/1.1\r\n\r\n");
  Frame f;
  f.conn = 7;
  f.dir = Direction::s2c;
  f.offset = 30;
  f.header = test::from_hex("81 02");
  f.payload = test::bytes_of("hi");
  f.payload_len = 2;
  return {Event{0, 0, Hello{}}, Event{1, 1000, Open{7, Transport::tcp}}, Event{2, 2000, req}, Event{3, 3000, f},
          Event{4, 4000, Close{7, ClosedBy::client, 1000, ""}}};
}

TEST(Pcapng, HasSectionHeaderAndRawIpv4Interface) {
  const auto blocks = blocks_of(capture_to_pcapng(conversation()));
  ASSERT_GE(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].type, 0x0A0D0D0Au);
  EXPECT_EQ(le32(blocks[0].body, 0), 0x1A2B3C4Du) << "byte-order magic";
  EXPECT_EQ(blocks[1].type, 1u);
  EXPECT_EQ(blocks[1].body[0] | (blocks[1].body[1] << 8), 101) << "LINKTYPE_RAW";
}

TEST(Pcapng, PacketsHaveValidChecksumsAndSequenceNumbers) {
  const auto packets = packets_of(capture_to_pcapng(conversation()));
  ASSERT_EQ(packets.size(), 3u + 2u + 3u) << "handshake, two segments, FIN exchange";
  for (const auto& p : packets) {
    EXPECT_EQ(internet_checksum(p.ip.data(), 20), 0) << "IPv4 header checksum";
    const std::uint32_t tcp_len = static_cast<std::uint32_t>(p.ip.size() - 20);
    const std::uint32_t pseudo = 0x7F00 + 0x0001 + 0x7F00 + 0x0001 + 6 + tcp_len;
    EXPECT_EQ(internet_checksum(p.ip.data() + 20, tcp_len, pseudo), 0) << "TCP checksum";
    EXPECT_EQ(be16(p.ip, 2), p.ip.size()) << "IPv4 total length";
  }
  EXPECT_EQ(packets[0].flags(), 0x02) << "SYN";
  EXPECT_EQ(packets[1].flags(), 0x12) << "SYN-ACK";
  EXPECT_EQ(packets[0].sport(), 40007);
  EXPECT_EQ(be16(packets[1].ip, 20), 80);
  const std::uint32_t client_isn = packets[0].seq(), server_isn = packets[1].seq();
  EXPECT_EQ(packets[1].ack(), client_isn + 1);
  EXPECT_EQ(packets[3].seq(), client_isn + 1) << "request at offset 0";
  EXPECT_BYTES_EQ(test::bytes_of("GET /chat HTTP/1.1\r\n\r\n"), packets[3].payload());
  EXPECT_EQ(packets[4].seq(), server_isn + 1 + 30) << "frame at s2c offset 30";
  EXPECT_EQ(packets[4].t_us, 3000u);
  EXPECT_EQ(packets[5].flags(), 0x11) << "client FIN first (closed by client)";
  EXPECT_EQ(packets[5].sport(), 40007);
  EXPECT_EQ(packets[5].seq(), client_isn + 1 + 22);
}

TEST(Pcapng, WritesAFileAndNamesAPathItCannotWrite) {
  const std::string path = ::testing::TempDir() + "wirelab_pcapng_test." + std::to_string(::getpid()) + ".pcapng";
  auto ok = write_pcapng_file(path, conversation());
  ASSERT_TRUE(ok.ok()) << ok.error().reason;
  std::remove(path.c_str());
  auto bad = write_pcapng_file("/nonexistent-dir/x.pcapng", conversation());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().reason.find("/nonexistent-dir/x.pcapng"), std::string::npos);
}

}  // namespace
}  // namespace wire
