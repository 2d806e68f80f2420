// Builds the synthetic capture event by event, keeping per-direction byte
// offsets tiling each stream exactly as the relay's tap would.
#include "synthetic_capture.h"

#include <fstream>
#include <map>
#include <string_view>

#include "wire/capture.h"
#include "wire/close_code.h"
#include "wire/frame.h"
#include "wire/mask.h"

namespace viz::testing {
namespace {

class Builder {
 public:
  explicit Builder(std::int64_t step_us) : step_us_(step_us) {}

  void push(wire::EventBody body) {
    wire::Event e;
    e.seq = seq_++;
    e.t_us = t_us_;
    t_us_ += step_us_;
    e.body = std::move(body);
    events_.push_back(std::move(e));
  }

  void hello() {
    wire::Hello h;
    h.relay = "wirelab-relay 0.1.0 (synthetic test capture)";
    h.deterministic = true;
    push(h);
  }
  void open(std::uint64_t conn) { push(wire::Open{conn, wire::Transport::tcp}); }

  void http(std::uint64_t conn, wire::Direction dir, const std::string& start_line,
            std::vector<std::pair<std::string, std::string>> headers, const std::string& body = {}) {
    wire::Http h;
    h.conn = conn;
    h.dir = dir;
    h.offset = take_offset(conn, dir, 0);
    h.start_line = start_line;
    std::string bytes = start_line + "\r\n";
    for (const auto& [n, v] : headers) bytes += n + ": " + v + "\r\n";
    bytes += "\r\n" + body;
    h.headers = std::move(headers);
    h.body_len = body.size();
    h.bytes.assign(bytes.begin(), bytes.end());
    offsets_[{conn, dir}] += h.bytes.size();
    push(std::move(h));
  }

  void upgrade(std::uint64_t conn) {
    http(conn, wire::Direction::c2s, "GET /chat HTTP/1.1",
         {{"Host", "127.0.0.1:7681"}, {"Upgrade", "websocket"}, {"Connection", "Upgrade"},
          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}, {"Sec-WebSocket-Version", "13"}});
    http(conn, wire::Direction::s2c, "HTTP/1.1 101 Switching Protocols",
         {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}});
  }

  // One frame as the tap reports it: header bytes and the payload as on the wire (masked when masked).
  void frame(std::uint64_t conn, wire::Direction dir, wire::Opcode op, std::string_view payload, bool masked,
             bool fin = true) {
    wire::FrameHeader h;
    h.fin = fin;
    h.opcode = op;
    h.masked = masked;
    h.payload_len = payload.size();
    const std::uint32_t key32 = 0x37fa213du + static_cast<std::uint32_t>(seq_) * 0x01010101u;
    h.masking_key = {static_cast<std::uint8_t>(key32 >> 24), static_cast<std::uint8_t>(key32 >> 16),
                     static_cast<std::uint8_t>(key32 >> 8), static_cast<std::uint8_t>(key32)};
    std::array<std::uint8_t, 14> head{};
    const std::size_t n = wire::encode_header(h, head);
    wire::Frame f;
    f.conn = conn;
    f.dir = dir;
    f.offset = offsets_[{conn, dir}];
    f.fin = fin;
    f.opcode = static_cast<std::uint8_t>(op);
    f.masked = masked;
    if (masked) f.mask_key = key32;
    f.payload_len = payload.size();
    f.header.assign(head.begin(), head.begin() + static_cast<std::ptrdiff_t>(n));
    f.payload.assign(payload.begin(), payload.end());
    if (masked) wire::apply_mask(f.payload, h.masking_key, 0);
    offsets_[{conn, dir}] += n + payload.size();
    push(std::move(f));
  }

  void chat(std::uint64_t conn, const std::string& event, const std::string& who, const std::string& peer = {}) {
    push(wire::Chat{conn, event, who, peer});
  }

  std::vector<wire::Event> take() { return std::move(events_); }

 private:
  std::uint64_t take_offset(std::uint64_t conn, wire::Direction dir, std::size_t) { return offsets_[{conn, dir}]; }

  std::vector<wire::Event> events_;
  std::map<std::pair<std::uint64_t, wire::Direction>, std::uint64_t> offsets_;
  std::uint64_t seq_ = 0;
  std::int64_t t_us_ = 0;
  std::int64_t step_us_;
};

constexpr auto c2s = wire::Direction::c2s;
constexpr auto s2c = wire::Direction::s2c;

std::string close_payload(std::uint16_t code, std::string_view reason) {
  const wire::Bytes b = wire::encode_close_payload(code, reason);
  return std::string(b.begin(), b.end());
}

}  // namespace

std::vector<wire::Event> synthetic_chat(const SyntheticOptions& o) {
  Builder b(o.step_us);
  const std::string a = "Stranger 7f3a", bb = "Stranger 91c2", poller = "Stranger 0c55";
  b.hello();
  // Stranger A arrives over WebSocket and waits.
  b.open(1);
  b.upgrade(1);
  b.frame(1, s2c, wire::Opcode::text, R"({"type":"welcome","you":"Stranger 7f3a","limits":{"max_message":4096}})", false);
  b.chat(1, "welcome", a);
  b.frame(1, c2s, wire::Opcode::text, R"({"type":"find"})", true);
  b.frame(1, s2c, wire::Opcode::text, R"({"type":"waiting"})", false);
  b.chat(1, "waiting", a);
  // Stranger B arrives; the relay pairs them.
  b.open(2);
  b.upgrade(2);
  b.frame(2, s2c, wire::Opcode::text, R"({"type":"welcome","you":"Stranger 91c2","limits":{"max_message":4096}})", false);
  b.chat(2, "welcome", bb);
  b.frame(2, c2s, wire::Opcode::text, R"({"type":"find"})", true);
  b.frame(1, s2c, wire::Opcode::text, R"({"type":"paired","peer":"Stranger 91c2"})", false);
  b.chat(1, "paired", a, bb);
  b.frame(2, s2c, wire::Opcode::text, R"({"type":"paired","peer":"Stranger 7f3a"})", false);
  b.chat(2, "paired", bb, a);
  const char* lines[] = {"Hello", "hi! first time here?", "yes, it is all masked?", "only client to server"};
  for (int i = 0; i < o.chat_rounds; ++i) {
    const bool from_a = i % 2 == 0;
    const std::uint64_t from = from_a ? 1 : 2, to = from_a ? 2 : 1;
    const std::string text = lines[i % 4];
    b.frame(from, c2s, wire::Opcode::text, R"({"type":"say","text":")" + text + R"("})", true);
    b.chat(from, "said", from_a ? a : bb, from_a ? bb : a);
    b.frame(to, s2c, wire::Opcode::text,
            R"({"type":"said","from":")" + std::string(from_a ? a : bb) + R"(","text":")" + text + R"("})", false);
  }
  // Keepalive (5.5.2, 5.5.3) and a message in two fragments (5.4).
  b.frame(1, s2c, wire::Opcode::ping, "kA", false);
  b.frame(1, c2s, wire::Opcode::pong, "kA", true);
  b.frame(2, c2s, wire::Opcode::text, R"({"type":"say",)", true, false);
  b.frame(2, c2s, wire::Opcode::continuation, R"("text":"in two frames"})", true, true);
  b.chat(2, "said", bb, a);
  b.frame(1, s2c, wire::Opcode::text, R"({"type":"said","from":"Stranger 91c2","text":"in two frames"})", false);
  // A long-poll stranger: open a session, then a held recv answered with the welcome.
  b.open(3);
  b.http(3, c2s, "POST /poll/open HTTP/1.1", {{"Host", "127.0.0.1:7681"}, {"Content-Length", "0"}});
  const std::string session = R"({"session":"5f0c0a3b9d2e4f61a7b8c9d0e1f2a3b4"})";
  b.http(3, s2c, "HTTP/1.1 200 OK", {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(session.size())}},
         session);
  b.http(3, c2s, "GET /poll/recv?session=5f0c0a3b9d2e4f61a7b8c9d0e1f2a3b4 HTTP/1.1", {{"Host", "127.0.0.1:7681"}});
  b.chat(3, "welcome", poller);
  const std::string welcome = R"([{"type":"welcome","you":"Stranger 0c55","limits":{"max_message":4096}}])";
  b.http(3, s2c, "HTTP/1.1 200 OK", {{"Content-Type", "application/json"}, {"Content-Length", std::to_string(welcome.size())}},
         welcome);
  // A broken client: an unmasked client frame; the relay closes it with 1002 (RFC 6455 5.1).
  b.open(4);
  b.upgrade(4);
  b.frame(4, c2s, wire::Opcode::text, R"({"type":"find"})", false);
  b.push(wire::Violation{4, "RFC 6455 5.1: client frames must be masked", "closed 1002"});
  b.frame(4, s2c, wire::Opcode::close, close_payload(1002, "client frames must be masked"), false);
  b.push(wire::Close{4, wire::ClosedBy::relay, 1002, "client frames must be masked"});
  // Stranger B leaves: a normal close handshake (5.5.1, 7.4.1).
  b.frame(2, c2s, wire::Opcode::close, close_payload(1000, "bye"), true);
  b.frame(2, s2c, wire::Opcode::close, close_payload(1000, "bye"), false);
  b.push(wire::Close{2, wire::ClosedBy::client, 1000, "bye"});
  b.chat(1, "left", bb, a);
  b.frame(1, s2c, wire::Opcode::text, R"({"type":"left","who":"Stranger 91c2"})", false);
  return b.take();
}

bool write_synthetic_capture(const std::string& path, const SyntheticOptions& options) {
  std::ofstream out(path);
  if (!out) return false;
  wire::write_capture(out, synthetic_chat(options));
  return static_cast<bool>(out);
}

}  // namespace viz::testing
