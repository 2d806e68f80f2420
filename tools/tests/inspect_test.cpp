// Runs the real wirelab-inspect binary on RFC 6455's own values and checks
// what it prints (text and --json) and its exit code.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>

#include "wire/capture.h"
#include "wire/frame.h"
#include "wire/handshake.h"
#include "wire/http.h"

namespace {

struct ToolRun {
  int status = -1;
  std::string out;
};

// Runs "wirelab-inspect ARGS" through the shell; stdout (and stderr with 2>&1 in args).
ToolRun inspect(const std::string& args) {
  const std::string cmd = std::string(WIRELAB_INSPECT) + " " + args;
  ToolRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  const int w = pclose(p);
  r.status = WIFEXITED(w) ? WEXITSTATUS(w) : -1;
  return r;
}

// A readable failure: the command, the text expected, and everything printed.
::testing::AssertionResult Prints(const ToolRun& r, const std::string& needle) {
  if (r.out.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected the output to contain:\n  " << needle << "\nbut it was:\n"
                                       << r.out;
}

nlohmann::json json_of(const ToolRun& r) {
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON:\n" << r.out;
  return j;
}

TEST(InspectAccept, PrintsTheRfcAcceptValue) {
  const ToolRun r = inspect("accept dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\n");
}

TEST(InspectAccept, ExplainShowsEachStep) {
  const ToolRun r = inspect("accept --explain dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(Prints(r, "dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
  EXPECT_TRUE(Prints(r, "b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea"));
  EXPECT_TRUE(Prints(r, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
}

TEST(InspectAccept, JsonAndABadKey) {
  const auto j = json_of(inspect("accept --json dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_EQ(j.value("sec_websocket_accept", ""), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(j.value("sha1_hex", ""), "b37a4f2cc0624f1690f64606cf385945b2bec4ea");
  const ToolRun bad = inspect("accept c2hvcnQ= 2>&1");
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_TRUE(Prints(bad, "RFC 6455 4.2.1"));
}

TEST(InspectFrame, ExplainsTheMaskedHelloFieldByField) {
  const ToolRun r = inspect("frame 818537fa213d7f9f4d5158");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(Prints(r, "6-byte header + 5-byte payload"));
  EXPECT_TRUE(Prints(r, "FIN       1"));
  EXPECT_TRUE(Prints(r, "RSV1      0"));
  EXPECT_TRUE(Prints(r, "opcode    0x1 text"));
  EXPECT_TRUE(Prints(r, "MASK      1"));
  EXPECT_TRUE(Prints(r, "Payload len 5: 7-bit form"));
  EXPECT_TRUE(Prints(r, "Masking-key 37 fa 21 3d"));
  EXPECT_TRUE(Prints(r, "masked    7f 9f 4d 51 58"));
  EXPECT_TRUE(Prints(r, "unmasked  48 65 6c 6c 6f"));
  EXPECT_TRUE(Prints(r, "as text   \"Hello\""));
}

// The RFC 6455 5.7 examples through --json.
struct JsonCase {
  const char* hex;
  int opcode;
  bool fin;
  bool masked;
  std::uint64_t payload_len;
  const char* length_form;
  const char* payload_hex;   // unmasked; "" to skip
};

TEST(InspectFrame, JsonForEveryRfcExample) {
  const JsonCase cases[] = {
      {"81 05 48 65 6c 6c 6f", 1, true, false, 5, "7-bit", "48656c6c6f"},
      {"81 85 37 fa 21 3d 7f 9f 4d 51 58", 1, true, true, 5, "7-bit", "48656c6c6f"},
      {"01 03 48 65 6c", 1, false, false, 3, "7-bit", "48656c"},
      {"80 02 6c 6f", 0, true, false, 2, "7-bit", "6c6f"},
      {"89 05 48 65 6c 6c 6f", 9, true, false, 5, "7-bit", "48656c6c6f"},
      {"8a 85 37 fa 21 3d 7f 9f 4d 51 58", 10, true, true, 5, "7-bit", "48656c6c6f"},
      {"82 7E 01 00", 2, true, false, 256, "16-bit (126)", ""},
      {"82 7F 00 00 00 00 00 01 00 00", 2, true, false, 65536, "64-bit (127)", ""},
  };
  for (const auto& c : cases) {
    const ToolRun r = inspect(std::string("frame --json ") + c.hex);
    const auto j = json_of(r);
    ASSERT_TRUE(j.contains("frames")) << r.out;
    const auto& f = j["frames"][0];
    EXPECT_EQ(f.value("opcode", -1), c.opcode) << c.hex;
    EXPECT_EQ(f.value("fin", !c.fin), c.fin) << c.hex;
    EXPECT_EQ(f.value("masked", !c.masked), c.masked) << c.hex;
    EXPECT_EQ(f.value("payload_len", std::uint64_t{0}), c.payload_len) << c.hex;
    EXPECT_EQ(f.value("length_form", ""), c.length_form) << c.hex;
    if (*c.payload_hex) {
      EXPECT_EQ(f.value("payload_hex", ""), c.payload_hex) << c.hex;
      EXPECT_EQ(r.status, 0) << c.hex;
    } else {
      EXPECT_EQ(r.status, 3) << c.hex << ": only the header was given, so the payload is incomplete";
      EXPECT_EQ(f.value("need", std::uint64_t{0}), c.payload_len) << c.hex;
    }
  }
}

TEST(InspectFrame, APrefixSaysHowManyMoreBytes) {
  const ToolRun r = inspect("frame 82 7f 00 00");
  EXPECT_EQ(r.status, 3);
  EXPECT_TRUE(Prints(r, "INCOMPLETE: the header needs 6 more bytes"));
  const ToolRun p = inspect("frame 81 85 37 fa 21 3d 7f 9f");
  EXPECT_EQ(p.status, 3);
  EXPECT_TRUE(Prints(p, "INCOMPLETE: the payload needs 3 more bytes"));
}

TEST(InspectFrame, AnErrorNamesTheRuleItBreaks) {
  const ToolRun too_long = inspect("frame 89 7e 00 7e");
  EXPECT_EQ(too_long.status, 1);
  EXPECT_TRUE(Prints(too_long, "BREAKS RFC 6455 5.5: control frames"));
  const ToolRun msb = inspect("frame 82 7f 80 00 00 00 00 00 00 00");
  EXPECT_EQ(msb.status, 1);
  EXPECT_TRUE(Prints(msb, "BREAKS RFC 6455 5.2: the most significant bit"));
  const ToolRun unmasked = inspect("frame --from client 81 05 48 65 6c 6c 6f");
  EXPECT_EQ(unmasked.status, 1);
  EXPECT_TRUE(Prints(unmasked, "BREAKS RFC 6455 5.1: client frames must be masked"));
  const ToolRun reserved = inspect("frame 83 00");
  EXPECT_TRUE(Prints(reserved, "BREAKS RFC 6455 5.2: opcodes 0x3-0x7"));
}

TEST(InspectFrame, CloseCodesAreNamed) {
  const ToolRun r = inspect("frame 88 02 03 e8");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(Prints(r, "close code 1000 Normal Closure"));
  const ToolRun bad = inspect("frame 88 02 03 ed");   // 1005 may not be sent
  EXPECT_EQ(bad.status, 1);
  EXPECT_TRUE(Prints(bad, "1005"));
}

TEST(InspectFrame, SeveralFramesAndBadHex) {
  const ToolRun r = inspect("frame 010348656c 80026c6f");   // as in --help
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(Prints(r, "as text   \"Hel\""));
  EXPECT_TRUE(Prints(r, "Frame 2 at byte 5"));
  EXPECT_TRUE(Prints(r, "opcode    0x0 continuation"));
  EXPECT_TRUE(Prints(r, "as text   \"lo\""));
  const ToolRun bad = inspect("frame 81zz 2>&1");
  EXPECT_EQ(bad.status, 2);
  EXPECT_TRUE(Prints(bad, "not a hex digit"));
}

// A small capture as the relay writes one: hello, open, the handshake, a
// masked "Hello", the server's close, close.
std::string write_demo_capture() {
  const std::string path = ::testing::TempDir() + "wirelab_inspect_" + std::to_string(getpid()) + ".jsonl";
  auto bytes = [](const std::string& s) { return wire::Bytes(s.begin(), s.end()); };
  const std::string request = wire::build_upgrade_request("127.0.0.1:7681", "/chat", "dGhlIHNhbXBsZSBub25jZQ==");
  const std::string response = wire::build_accept_response("dGhlIHNhbXBsZSBub25jZQ==");
  const wire::Bytes hello_frame =
      wire::encode_client_frame(wire::Opcode::text, bytes("Hello"), wire::MaskingKey{0x37, 0xfa, 0x21, 0x3d});
  const wire::Bytes close_frame = wire::encode_server_frame(wire::Opcode::close, wire::Bytes{0x03, 0xe8});
  std::vector<wire::Event> events;
  events.push_back({0, 0, wire::Hello{1, "wirelab-inspect test", true, true, {}}});
  events.push_back({1, 10, wire::Open{1, wire::Transport::tcp}});
  wire::Http req{1, wire::Direction::c2s, 0, "GET /chat HTTP/1.1", {{"Host", "127.0.0.1:7681"}}, 0, bytes(request)};
  events.push_back({2, 20, req});
  wire::Http resp{1, wire::Direction::s2c, 0, "HTTP/1.1 101 Switching Protocols", {{"Upgrade", "websocket"}}, 0,
                  bytes(response)};
  events.push_back({3, 30, resp});
  wire::Frame f;
  f.conn = 1;
  f.dir = wire::Direction::c2s;
  f.offset = request.size();
  f.opcode = 1;
  f.masked = true;
  f.mask_key = 0x37fa213d;
  f.payload_len = 5;
  f.header.assign(hello_frame.begin(), hello_frame.begin() + 6);
  f.payload.assign(hello_frame.begin() + 6, hello_frame.end());
  events.push_back({4, 1000040, f});
  wire::Frame c;
  c.conn = 1;
  c.dir = wire::Direction::s2c;
  c.offset = response.size();
  c.opcode = 8;
  c.payload_len = 2;
  c.header.assign(close_frame.begin(), close_frame.begin() + 2);
  c.payload.assign(close_frame.begin() + 2, close_frame.end());
  events.push_back({5, 1000050, c});
  events.push_back({6, 1000060, wire::Close{1, wire::ClosedBy::relay, 1000, ""}});
  std::ofstream out(path);
  wire::write_capture(out, events);
  return path;
}

TEST(InspectCapture, ListsOneLinePerEventWithoutMessageText) {
  const std::string path = write_demo_capture();
  const ToolRun r = inspect("capture " + path);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(Prints(r, "hello"));
  EXPECT_TRUE(Prints(r, "#1    →  http      GET /chat HTTP/1.1"));
  EXPECT_TRUE(Prints(r, "#1    ←  http      HTTP/1.1 101 Switching Protocols"));
  EXPECT_TRUE(Prints(r, "#1    →  frame     text len 5 masked 37fa213d"));
  EXPECT_TRUE(Prints(r, "#1    ←  frame     close len 2 unmasked"));
  EXPECT_TRUE(Prints(r, "closed by relay, 1000 Normal Closure"));
  EXPECT_EQ(r.out.find("Hello"), std::string::npos) << "message text must never be printed:\n" << r.out;
  int lines = 0;
  for (char ch : r.out) lines += ch == '\n';
  EXPECT_EQ(lines, 7) << r.out;
  std::filesystem::remove(path);
}

TEST(InspectCapture, JsonLinesAndPcapngExport) {
  const std::string path = write_demo_capture();
  const std::string pcap = path + ".pcapng";
  const ToolRun r = inspect("capture --json --pcapng " + pcap + " " + path);
  EXPECT_EQ(r.status, 0) << r.out;
  const auto first_line = r.out.substr(0, r.out.find('\n'));
  const auto j = nlohmann::json::parse(first_line, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  EXPECT_EQ(j.value("kind", ""), "hello");
  std::ifstream in(pcap, std::ios::binary);
  ASSERT_TRUE(in.good()) << "no pcapng written at " << pcap;
  unsigned char magic[4] = {};
  in.read(reinterpret_cast<char*>(magic), 4);
  EXPECT_EQ(magic[0], 0x0a) << "a pcapng file starts with a Section Header Block, type 0x0A0D0D0A";
  EXPECT_EQ(magic[1], 0x0d);
  std::filesystem::remove(path);
  std::filesystem::remove(pcap);
}

// A chat message both ways: a masked `say` frame and the relay's `said` on
// a WebSocket; a long-poll send (POST + 204) and a delivery (GET + 200 [said]).
std::string write_chat_capture() {
  const std::string path = ::testing::TempDir() + "wirelab_inspect_stats_" + std::to_string(getpid()) + ".jsonl";
  auto bytes = [](const std::string& s) { return wire::Bytes(s.begin(), s.end()); };
  std::vector<wire::Event> events;
  std::uint64_t seq = 0;
  auto add = [&](wire::EventBody body) { events.push_back({seq, static_cast<std::int64_t>(seq) * 10, std::move(body)}); ++seq; };
  auto http = [&](std::uint64_t conn, wire::Direction dir, const std::string& head, const std::string& body,
                  wire::HttpHeaders fields) {
    const std::string start = head.substr(0, head.find("\r\n"));
    add(wire::Http{conn, dir, 0, start, std::move(fields), body.size(), bytes(head + body)});
  };
  auto frame = [&](wire::Direction dir, const std::string& text) {
    const wire::Bytes b = dir == wire::Direction::c2s
                              ? wire::encode_client_frame(wire::Opcode::text, bytes(text), wire::MaskingKey{1, 2, 3, 4})
                              : wire::encode_server_frame(wire::Opcode::text, bytes(text));
    const std::size_t h = dir == wire::Direction::c2s ? 6 : 2;
    wire::Frame f;
    f.conn = 1;
    f.dir = dir;
    f.opcode = 1;
    f.masked = dir == wire::Direction::c2s;
    if (f.masked) f.mask_key = 0x01020304;
    f.payload_len = text.size();
    f.header.assign(b.begin(), b.begin() + static_cast<long>(h));
    f.payload.assign(b.begin() + static_cast<long>(h), b.end());
    add(f);
  };
  add(wire::Hello{1, "wirelab-inspect test", true, true, {}});
  const std::string key = "dGhlIHNhbXBsZSBub25jZQ==";
  http(1, wire::Direction::c2s, wire::build_upgrade_request("127.0.0.1:7681", "/chat", key), "",
       {{"Host", "127.0.0.1:7681"}, {"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Key", key}});
  http(1, wire::Direction::s2c, wire::build_accept_response(key), "",
       {{"Upgrade", "websocket"}, {"Sec-WebSocket-Accept", wire::sec_websocket_accept(key)}});
  frame(wire::Direction::c2s, R"({"type":"say","text":"hi"})");                  // 6 + 26
  frame(wire::Direction::s2c, R"({"type":"said","from":"Stranger 1","text":"hi"})");   // 2 + 47
  http(2, wire::Direction::c2s, "POST /poll/send?session=s HTTP/1.1\r\nHost: h\r\n\r\n", R"({"type":"say","text":"yo"})",
       {{"Host", "h"}});                                                           // 47 + 26
  http(2, wire::Direction::s2c, "HTTP/1.1 204 \r\n\r\n", "", {});                 // 17
  http(3, wire::Direction::c2s, "GET /poll/recv?session=s HTTP/1.1\r\nHost: h\r\n\r\n", "", {{"Host", "h"}});   // 46
  http(3, wire::Direction::s2c, "HTTP/1.1 200 OK\r\n\r\n", R"([{"type":"said","from":"Stranger 2","text":"yo"}])",
       {});                                                                        // 19 + 49
  std::ofstream out(path);
  wire::write_capture(out, events);
  return path;
}

TEST(InspectCapture, StatsCountTheBytesOfAChatMessagePerTransport) {
  const std::string path = write_chat_capture();
  const ToolRun r = inspect("capture --stats --json " + path);
  ASSERT_EQ(r.status, 0) << r.out;
  const auto j = json_of(r);
  EXPECT_EQ(j["websocket"]["sends"], 1) << r.out;
  EXPECT_EQ(j["websocket"]["deliveries"], 1) << r.out;
  EXPECT_DOUBLE_EQ(j["websocket"]["bytes_per_message"].get<double>(), 6 + 26 + 2 + 47) << r.out;
  EXPECT_DOUBLE_EQ(j["websocket"]["header_bytes_per_message"].get<double>(), 6 + 2) << r.out;
  EXPECT_EQ(j["long_poll"]["sends"], 1) << r.out;
  EXPECT_EQ(j["long_poll"]["deliveries"], 1) << r.out;
  EXPECT_DOUBLE_EQ(j["long_poll"]["bytes_per_message"].get<double>(), 47 + 26 + 17 + 46 + 19 + 49) << r.out;
  EXPECT_DOUBLE_EQ(j["long_poll"]["header_bytes_per_message"].get<double>(), 47 + 17 + 46 + 19) << r.out;
  EXPECT_DOUBLE_EQ(j["long_poll_to_websocket"].get<double>(), (47.0 + 26 + 17 + 46 + 19 + 49) / (6 + 26 + 2 + 47));
  EXPECT_EQ(j["frames"]["c2s_header_bytes"]["min"], 6);
  EXPECT_EQ(j["frames"]["s2c_header_bytes"]["max"], 2);
  EXPECT_EQ(j["upgrade"]["key"], "dGhlIHNhbXBsZSBub25jZQ==");
  EXPECT_EQ(j["upgrade"]["accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(j["http"]["poll_request_head_bytes"]["min"], 46);
  EXPECT_EQ(j["http"]["poll_request_head_bytes"]["max"], 47);
  EXPECT_EQ(r.out.find("\"hi\""), std::string::npos) << "message text must never be printed:\n" << r.out;
  const ToolRun text = inspect("capture --stats " + path);
  EXPECT_TRUE(Prints(text, "per chat message: WebSocket 81.0 bytes (1 sent, 1 delivered), long-poll 204.0 bytes"));
  std::filesystem::remove(path);
}

TEST(InspectCapture, AMissingFileIsAUsageError) {
  const ToolRun r = inspect("capture /nonexistent/wirelab.jsonl 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
}

TEST(InspectHelp, TeachesWithExamples) {
  const ToolRun r = inspect("--help");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(Prints(r, "wirelab-inspect accept dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_TRUE(Prints(r, "Exit codes"));
}

}  // namespace
