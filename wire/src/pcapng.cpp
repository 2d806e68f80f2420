// pcapng export (pcapng spec, draft-ietf-opsawg-pcapng): blocks in little
// endian; packets are IPv4 (RFC 791) + TCP (RFC 9293) built here with correct
// checksums (RFC 1071), so Wireshark reassembles the streams and decodes them.
#include "wire/pcapng.h"

#include <fstream>
#include <algorithm>
#include <map>
#include <span>
#include <type_traits>

namespace wire {

namespace {

constexpr std::uint32_t kLoopback = 0x7F000001;   // 127.0.0.1, both ends
constexpr std::size_t kMaxSegment = 65000;        // payload per TCP segment (IPv4 total <= 65535)
constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kPsh = 0x08, kAck = 0x10;

void put_le16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(Bytes& b, std::uint32_t v) {
  for (int s = 0; s < 32; s += 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void put_be16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put_be32(Bytes& b, std::uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}
void set_be16(Bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

// A block: type, total length, body padded to 32 bits, total length again.
void put_block(Bytes& out, std::uint32_t type, const Bytes& body) {
  const std::size_t padded = (body.size() + 3) / 4 * 4;
  const auto total = static_cast<std::uint32_t>(12 + padded);
  put_le32(out, type);
  put_le32(out, total);
  out.insert(out.end(), body.begin(), body.end());
  out.insert(out.end(), padded - body.size(), 0);
  put_le32(out, total);
}

struct Endpoint {
  std::uint16_t port = 0;
  std::uint32_t isn = 0;        // initial sequence number
  std::uint64_t next = 0;       // stream offset just past the last byte sent
};

// One synthesized TCP connection (client = c2s sender, server = s2c sender).
struct TcpConn {
  Endpoint client, server;
  bool open = false, closed = false;
};

class BlockWriter {
 public:
  explicit BlockWriter(const PcapngOptions& o) : options_(o) {
    Bytes shb;
    put_le32(shb, 0x1A2B3C4D);    // byte-order magic
    put_le16(shb, 1);             // major version
    put_le16(shb, 0);             // minor version
    put_le32(shb, 0xFFFFFFFF);    // section length: unknown (-1)
    put_le32(shb, 0xFFFFFFFF);
    put_block(out_, 0x0A0D0D0A, shb);
    Bytes idb;
    put_le16(idb, 101);           // LINKTYPE_RAW: packets start with the IPv4 header
    put_le16(idb, 0);
    put_le32(idb, 0);             // no snap length limit
    put_block(out_, 0x00000001, idb);   // if_tsresol absent: microseconds
  }

  void event(const Event& e) {
    std::visit(
        [&](const auto& body) {
          using T = std::decay_t<decltype(body)>;
          if constexpr (std::is_same_v<T, Open>) {
            conn(body.conn, e.t_us);
          } else if constexpr (std::is_same_v<T, Http> || std::is_same_v<T, Raw>) {
            data(body.conn, body.dir, body.offset, body.bytes, e.t_us);
          } else if constexpr (std::is_same_v<T, Frame>) {
            Bytes b = body.header;
            b.insert(b.end(), body.payload.begin(), body.payload.end());
            data(body.conn, body.dir, body.offset, b, e.t_us);
          } else if constexpr (std::is_same_v<T, Close>) {
            close(body.conn, body.by, e.t_us);
          }
        },
        e.body);
  }

  Bytes take() { return std::move(out_); }

 private:
  std::uint32_t seq_of(const Endpoint& ep, std::uint64_t offset) const {
    return static_cast<std::uint32_t>(ep.isn + 1 + offset);   // mod 2^32, as TCP wraps
  }

  // The connection, opened with a three-way handshake the first time it is seen.
  TcpConn& conn(std::uint64_t id, std::int64_t t_us) {
    TcpConn& c = conns_[id];
    if (c.open) return c;
    c.open = true;
    c.client.port = static_cast<std::uint16_t>(options_.client_port_base + id % 20000);
    c.server.port = options_.server_port;
    c.client.isn = static_cast<std::uint32_t>(0x10000000u + (id & 0xFFFFF) * 0x1000u);
    c.server.isn = static_cast<std::uint32_t>(0x20000000u + (id & 0xFFFFF) * 0x1000u);
    packet(t_us, c.client, c.server, c.client.isn, 0, kSyn, {});
    packet(t_us, c.server, c.client, c.server.isn, c.client.isn + 1, kSyn | kAck, {});
    packet(t_us, c.client, c.server, c.client.isn + 1, c.server.isn + 1, kAck, {});
    return c;
  }

  void data(std::uint64_t id, Direction dir, std::uint64_t offset, const Bytes& bytes, std::int64_t t_us) {
    TcpConn& c = conn(id, t_us);
    if (c.closed || bytes.empty()) return;
    Endpoint& from = dir == Direction::c2s ? c.client : c.server;
    Endpoint& to = dir == Direction::c2s ? c.server : c.client;
    for (std::size_t at = 0; at < bytes.size(); at += kMaxSegment) {
      const std::size_t n = std::min(kMaxSegment, bytes.size() - at);
      packet(t_us, from, to, seq_of(from, offset + at), seq_of(to, to.next), kPsh | kAck,
             std::span<const std::uint8_t>(bytes).subspan(at, n));
    }
    from.next = std::max(from.next, offset + bytes.size());
  }

  void close(std::uint64_t id, ClosedBy by, std::int64_t t_us) {
    TcpConn& c = conn(id, t_us);
    if (c.closed) return;
    c.closed = true;
    Endpoint& first = by == ClosedBy::client ? c.client : c.server;
    Endpoint& second = by == ClosedBy::client ? c.server : c.client;
    // FIN takes one sequence number (RFC 9293 3.4).
    packet(t_us, first, second, seq_of(first, first.next), seq_of(second, second.next), kFin | kAck, {});
    packet(t_us, second, first, seq_of(second, second.next), seq_of(first, first.next + 1), kFin | kAck, {});
    packet(t_us, first, second, seq_of(first, first.next + 1), seq_of(second, second.next + 1), kAck, {});
  }

  void packet(std::int64_t t_us, const Endpoint& from, const Endpoint& to, std::uint32_t seq, std::uint32_t ack,
              std::uint8_t flags, std::span<const std::uint8_t> payload) {
    Bytes p;
    const auto total = static_cast<std::uint16_t>(20 + 20 + payload.size());
    // RFC 791 3.1: IPv4 header, 20 bytes, no options.
    p.push_back(0x45);
    p.push_back(0);
    put_be16(p, total);
    put_be16(p, ip_id_++);
    put_be16(p, 0x4000);          // don't fragment
    p.push_back(64);              // TTL
    p.push_back(6);               // protocol: TCP
    put_be16(p, 0);               // checksum, below
    put_be32(p, kLoopback);
    put_be32(p, kLoopback);
    set_be16(p, 10, internet_checksum(p.data(), 20));
    // RFC 9293 3.1: TCP header, 20 bytes, no options.
    put_be16(p, from.port);
    put_be16(p, to.port);
    put_be32(p, seq);
    put_be32(p, (flags & kAck) ? ack : 0);
    p.push_back(5 << 4);          // data offset: 5 words
    p.push_back(flags);
    put_be16(p, 65535);           // window
    put_be16(p, 0);               // checksum, below
    put_be16(p, 0);               // urgent pointer
    p.insert(p.end(), payload.begin(), payload.end());
    // RFC 9293 3.1: the checksum covers a pseudo-header of addresses, protocol and length.
    const std::uint32_t tcp_len = total - 20u;
    const std::uint32_t pseudo = (kLoopback >> 16) + (kLoopback & 0xFFFF) + (kLoopback >> 16) + (kLoopback & 0xFFFF) +
                                 6u + tcp_len;
    set_be16(p, 36, internet_checksum(p.data() + 20, tcp_len, pseudo));

    Bytes epb;
    const auto ts = static_cast<std::uint64_t>(t_us < 0 ? 0 : t_us);
    put_le32(epb, 0);             // interface 0
    put_le32(epb, static_cast<std::uint32_t>(ts >> 32));
    put_le32(epb, static_cast<std::uint32_t>(ts));
    put_le32(epb, static_cast<std::uint32_t>(p.size()));   // captured length
    put_le32(epb, static_cast<std::uint32_t>(p.size()));   // original length
    epb.insert(epb.end(), p.begin(), p.end());
    put_block(out_, 0x00000006, epb);
  }

  PcapngOptions options_;
  Bytes out_;
  std::map<std::uint64_t, TcpConn> conns_;
  std::uint16_t ip_id_ = 1;
};

}  // namespace

std::uint16_t internet_checksum(const std::uint8_t* data, std::size_t len, std::uint32_t initial_sum) {
  std::uint64_t sum = initial_sum;
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += (std::uint32_t{data[i]} << 8) | data[i + 1];
  if (len % 2) sum += std::uint32_t{data[len - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xFFFF);
}

Bytes capture_to_pcapng(const std::vector<Event>& events, const PcapngOptions& options) {
  BlockWriter w(options);
  for (const auto& e : events) w.event(e);
  return w.take();
}

Result<bool> write_pcapng_file(const std::string& path, const std::vector<Event>& events,
                               const PcapngOptions& options) {
  const Bytes bytes = capture_to_pcapng(events, options);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Error{"pcapng", "cannot open " + path + " for writing", 0};
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) return Error{"pcapng", "write to " + path + " failed", 0};
  return true;
}

}  // namespace wire
