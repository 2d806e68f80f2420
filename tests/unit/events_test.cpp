// Mirror events (wire/events.h): the JSON form of every kind exactly as
// docs/mirror-protocol.md shows it, round trips, and reading errors that name
// the field, never an exception.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "wire/events.h"
#include "wire_test_support.h"

namespace wire {
namespace {

using test::from_hex;

Event ev(std::uint64_t seq, std::int64_t t, EventBody body) { return Event{seq, t, std::move(body)}; }

// The doc's masked "Hello" example, field by field.
Frame masked_hello() {
  Frame f;
  f.conn = 3;
  f.dir = Direction::c2s;
  f.offset = 157;
  f.fin = true;
  f.opcode = 1;
  f.masked = true;
  f.mask_key = 0x37fa213d;
  f.payload_len = 5;
  f.header = from_hex("81 85 37 fa 21 3d");
  f.payload = from_hex("7f 9f 4d 51 58");
  return f;
}

TEST(Events, FrameLineIsExactlyTheDocumentedForm) {
  EXPECT_EQ(to_json_line(ev(5, 2100, masked_hello())),
            R"({"seq":5,"t_us":2100,"kind":"frame","conn":3,"dir":"c2s","offset":157,"fin":true,"rsv":0,)"
            R"("opcode":1,"masked":true,"mask_key":"37fa213d","payload_len":5,"header":"gYU3+iE9",)"
            R"("payload":"f59NUVg=","truncated":false})");
  Frame unmasked;
  unmasked.dir = Direction::s2c;
  EXPECT_NE(to_json_line(ev(1, 1, unmasked)).find(R"("mask_key":null)"), std::string::npos);
}

TEST(Events, EveryKindHasItsDocumentedFields) {
  Hello h;
  h.relay = "wirelab-relay 0.1.0";
  h.deterministic = true;
  h.connections.push_back(ConnectionInfo{3, Transport::tls, "websocket", 1200});
  Http http;
  http.conn = 3;
  http.start_line = "GET /chat HTTP/1.1";
  http.headers = {{"Host", "x"}};
  http.bytes = test::bytes_of("GET /chat HTTP/1.1\r\nHost: x\r\n\r\n");
  struct Case {
    EventBody body;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {h, R"({"seq":0,"t_us":0,"kind":"hello","version":1,"relay":"wirelab-relay 0.1.0","tap":true,)"
          R"("deterministic":true,"connections":[{"conn":3,"transport":"tls","state":"websocket","opened_t_us":1200}],)"
          R"("participants":[]})"},
      {Open{3, Transport::tcp}, R"({"seq":0,"t_us":0,"kind":"open","conn":3,"transport":"tcp"})"},
      {Close{3, ClosedBy::client, 1000, "bye"},
       R"({"seq":0,"t_us":0,"kind":"close","conn":3,"by":"client","code":1000,"reason":"bye"})"},
      {Close{4, ClosedBy::relay, std::nullopt, ""},
       R"({"seq":0,"t_us":0,"kind":"close","conn":4,"by":"relay","code":null,"reason":""})"},
      {http, R"({"seq":0,"t_us":0,"kind":"http","conn":3,"dir":"c2s","offset":0,"start_line":"GET /chat HTTP/1.1",)"
             R"("headers":[["Host","x"]],"body_len":0,"bytes":"R0VUIC9jaGF0IEhUVFAvMS4xDQpIb3N0OiB4DQoNCg==",)"
             R"("truncated":false})"},
      {Raw{5, Direction::s2c, 9, from_hex("00 ff"), "why not"},
       R"({"seq":0,"t_us":0,"kind":"raw","conn":5,"dir":"s2c","offset":9,"bytes":"AP8=","why":"why not"})"},
      {Violation{3, "RFC 6455 5.1: client frames must be masked", "closed 1002"},
       R"({"seq":0,"t_us":0,"kind":"violation","conn":3,"rule":"RFC 6455 5.1: client frames must be masked",)"
       R"("action":"closed 1002"})"},
      {Chat{3, "paired", "Stranger 7f3a", "Stranger 91c2"},
       R"({"seq":0,"t_us":0,"kind":"chat","conn":3,"event":"paired","who":"Stranger 7f3a","peer":"Stranger 91c2"})"},
      {Dropped{17}, R"({"seq":0,"t_us":0,"kind":"dropped","count":17})"},
  };
  for (const auto& c : cases) {
    const Event e = ev(0, 0, c.body);
    SCOPED_TRACE(kind_name(e.body));
    const std::string line = to_json_line(e);
    EXPECT_EQ(line, c.expected);
    // Round trip: the parsed event writes the same line.
    auto back = parse_event_line(line);
    ASSERT_TRUE(back.ok()) << back.error().reason;
    EXPECT_EQ(to_json_line(*back), line);
    // to_json() holds the same fields (key order aside).
    EXPECT_EQ(to_json(e), nlohmann::json::parse(line));
  }
}

TEST(Events, FrameRoundTripKeepsEveryField) {
  Frame f = masked_hello();
  f.rsv = 4;
  f.truncated = true;
  f.payload_len = 70000;
  auto back = parse_event_line(to_json_line(ev(9, -1, f)));
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const Frame& g = std::get<Frame>(back->body);
  EXPECT_EQ(back->seq, 9u);
  EXPECT_EQ(back->t_us, -1);
  EXPECT_EQ(g.rsv, 4);
  EXPECT_EQ(g.mask_key, 0x37fa213du);
  EXPECT_EQ(g.payload_len, 70000u);
  EXPECT_TRUE(g.truncated);
  EXPECT_BYTES_EQ(f.header, g.header);
  EXPECT_BYTES_EQ(f.payload, g.payload);
}

// hello's chat snapshot: one stranger per state, a connection that carries one.
Hello hello_with_chat() {
  Hello h;
  h.relay = "r";
  h.connections.push_back(ConnectionInfo{3, Transport::tcp, "websocket", 1200, "Stranger 7f3a"});
  h.connections.push_back(ConnectionInfo{5, Transport::tcp, "http", 1300, ""});
  h.participants = {
      {"Stranger 7f3a", ChatTransport::websocket, 3, ChatState::paired, "Stranger 91c2", ""},
      {"Stranger 91c2", ChatTransport::long_poll, 6, ChatState::paired, "Stranger 7f3a", ""},
      {"Stranger 0001", ChatTransport::websocket, 7, ChatState::lobby, "", ""},
      {"Stranger 0002", ChatTransport::long_poll, 8, ChatState::waiting, "", ""},
      {"Stranger 0003", ChatTransport::websocket, 9, ChatState::room, "", "cs101"},
  };
  return h;
}

TEST(Events, HelloChatSnapshotIsTheDocumentedForm) {
  EXPECT_EQ(to_json_line(ev(0, 0, hello_with_chat())),
            R"({"seq":0,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,)"
            R"("connections":[{"conn":3,"transport":"tcp","state":"websocket","opened_t_us":1200,"who":"Stranger 7f3a"},)"
            R"({"conn":5,"transport":"tcp","state":"http","opened_t_us":1300}],)"
            R"("participants":[{"who":"Stranger 7f3a","transport":"websocket","conn":3,"state":"paired","peer":"Stranger 91c2"},)"
            R"({"who":"Stranger 91c2","transport":"long-poll","conn":6,"state":"paired","peer":"Stranger 7f3a"},)"
            R"({"who":"Stranger 0001","transport":"websocket","conn":7,"state":"lobby"},)"
            R"({"who":"Stranger 0002","transport":"long-poll","conn":8,"state":"waiting"},)"
            R"({"who":"Stranger 0003","transport":"websocket","conn":9,"state":"room","room":"cs101"}]})");
}

TEST(Events, HelloChatSnapshotRoundTripKeepsEveryField) {
  const Hello h = hello_with_chat();
  const std::string line = to_json_line(ev(0, 0, h));
  auto back = parse_event_line(line);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const Hello& g = std::get<Hello>(back->body);
  ASSERT_EQ(g.connections.size(), h.connections.size());
  for (std::size_t i = 0; i < h.connections.size(); ++i) {
    EXPECT_EQ(g.connections[i].conn, h.connections[i].conn) << "connections[" << i << "]";
    EXPECT_EQ(g.connections[i].who, h.connections[i].who) << "connections[" << i << "]";
  }
  ASSERT_EQ(g.participants.size(), h.participants.size());
  for (std::size_t i = 0; i < h.participants.size(); ++i) {
    SCOPED_TRACE("participants[" + std::to_string(i) + "]");
    const ParticipantInfo& want = h.participants[i];
    const ParticipantInfo& got = g.participants[i];
    EXPECT_EQ(got.who, want.who);
    EXPECT_EQ(chat_transport_name(got.transport), std::string(chat_transport_name(want.transport)));
    EXPECT_EQ(got.conn, want.conn);
    EXPECT_EQ(chat_state_name(got.state), std::string(chat_state_name(want.state)));
    EXPECT_EQ(got.peer, want.peer);
    EXPECT_EQ(got.room, want.room);
  }
  EXPECT_EQ(to_json_line(*back), line);
  EXPECT_EQ(to_json(ev(0, 0, h)), nlohmann::json::parse(line));
}

TEST(Events, HelloWithoutChatSnapshotStillDecodes) {
  // The v1 hello as first published (and as in captures made before the chat snapshot).
  auto back = parse_event_line(
      R"x({"seq":0,"t_us":0,"kind":"hello","version":1,"relay":"wirelab-relay 0.1.0 (libwebsockets 4.1.6)",)x"
      R"("tap":true,"deterministic":true,"connections":[{"conn":3,"transport":"tcp","state":"websocket","opened_t_us":1200}]})");
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const Hello& g = std::get<Hello>(back->body);
  ASSERT_EQ(g.connections.size(), 1u);
  EXPECT_EQ(g.connections[0].who, "") << "a connection without \"who\" carries nobody";
  EXPECT_TRUE(g.participants.empty()) << "should have had 0 participants, but had " << g.participants.size();
}

// --delay-ms: the documented form, additive (absent when not set, and in older hellos).
TEST(Events, HelloLinkIsTheDocumentedFormAndOptional) {
  Hello h;
  h.relay = "r";
  EXPECT_EQ(to_json_line(ev(0, 0, h)).find("\"link\""), std::string::npos) << "no --delay-ms: no link field";
  h.link = Link{100, 20};
  const std::string line = to_json_line(ev(0, 0, h));
  EXPECT_NE(line.find(R"("deterministic":false,"link":{"delay_ms":100,"jitter_ms":20},"connections":[])"),
            std::string::npos)
      << line;
  auto back = parse_event_line(line);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const Hello& g = std::get<Hello>(back->body);
  ASSERT_TRUE(g.link.has_value()) << line;
  EXPECT_EQ(g.link->delay_ms, 100);
  EXPECT_EQ(g.link->jitter_ms, 20);
  EXPECT_EQ(to_json(ev(0, 0, h)), nlohmann::json::parse(line));
  auto bad = parse_event_line(R"({"seq":0,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,)"
                              R"("deterministic":false,"link":{"delay_ms":-5,"jitter_ms":0},"connections":[]})");
  ASSERT_FALSE(bad.ok()) << "a negative delay should be refused";
  EXPECT_NE(bad.error().reason.find("link"), std::string::npos) << bad.error().reason;
}

TEST(Events, HelloHandshakesAndBotsRoundTrip) {
  Hello h = hello_with_chat();
  h.participants[0].bot = true;
  Http up;
  up.conn = 3;
  up.start_line = "GET /chat HTTP/1.1";
  up.headers = {{"Upgrade", "websocket"}};
  const std::string text = "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\n\r\n";
  up.bytes.assign(text.begin(), text.end());
  h.handshakes.push_back(HelloHttp{2, 1500, up});
  const std::string line = to_json_line(ev(9, 0, h));
  EXPECT_NE(line.find(R"("handshakes":[{"seq":2,"t_us":1500,"kind":"http","conn":3,"dir":"c2s","offset":0,)"),
            std::string::npos) << line;
  EXPECT_NE(line.find(R"("state":"paired","peer":"Stranger 91c2","bot":true})"), std::string::npos) << line;
  auto back = parse_event_line(line);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const Hello& g = std::get<Hello>(back->body);
  ASSERT_EQ(g.handshakes.size(), 1u);
  EXPECT_EQ(g.handshakes[0].seq, 2u);
  EXPECT_EQ(g.handshakes[0].t_us, 1500);
  EXPECT_EQ(g.handshakes[0].http.bytes, up.bytes);
  EXPECT_TRUE(g.participants[0].bot);
  EXPECT_FALSE(g.participants[1].bot);
  EXPECT_EQ(to_json_line(*back), line);

  Chat said{3, "said", "Stranger 7f3a", "Stranger 91c2", true};
  const std::string chat_line = to_json_line(ev(10, 0, said));
  EXPECT_NE(chat_line.find(R"("bot":true)"), std::string::npos) << chat_line;
  auto chat_back = parse_event_line(chat_line);
  ASSERT_TRUE(chat_back.ok()) << chat_back.error().reason;
  EXPECT_TRUE(std::get<Chat>(chat_back->body).bot);
  said.bot = false;
  EXPECT_EQ(to_json_line(ev(10, 0, said)).find("bot"), std::string::npos) << "absent unless true";
}

TEST(Events, HelloHandshakeThatIsNotHttpNamesTheField) {
  auto back = parse_event_line(
      R"({"seq":0,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
      R"("handshakes":[{"seq":1,"t_us":0,"kind":"open","conn":3,"transport":"tcp"}]})");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().reason.find("handshakes[0]"), std::string::npos) << back.error().reason;
}

TEST(Events, WireTextThatIsNotUtf8IsReplacedNotThrown) {
  Http h;
  h.start_line = "GET /\xff HTTP/1.1";
  const std::string line = to_json_line(ev(0, 0, h));
  EXPECT_NE(line.find("GET /\xef\xbf\xbd HTTP/1.1"), std::string::npos) << line;
  EXPECT_NO_THROW((void)to_json(ev(0, 0, h)).dump());
}

// --upstream: the credential fields an HTTP message carried, as labels; absent when none (additive).
TEST(Events, HttpCredentialLabelsRoundTripAndAreOptional) {
  Http h;
  h.conn = 2;
  h.start_line = "GET / HTTP/1.1";
  h.headers = {{"Cookie", "*****"}};
  h.bytes = from_hex("00");
  const std::string plain = to_json_line(ev(1, 0, h));
  EXPECT_EQ(plain.find("credentials"), std::string::npos) << plain;
  h.credentials = {{"Cookie", "credential #1"}, {"Authorization", "credential #2"}};
  const std::string line = to_json_line(ev(1, 0, h));
  EXPECT_NE(line.find(R"("credentials":[["Cookie","credential #1"],["Authorization","credential #2"]])"), std::string::npos)
      << line;
  auto back = parse_event_line(line);
  ASSERT_TRUE(back.ok()) << back.error().reason;
  const auto* got = std::get_if<Http>(&back->body);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->credentials, h.credentials);
}

TEST(Events, BadLinesNameTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"seq":1,"t_us":0,"kind":"http","conn":1,"dir":"c2s","offset":0,"start_line":"GET / HTTP/1.1",)"
       R"("headers":[],"body_len":0,"bytes":"","truncated":false,"credentials":[["Cookie"]]})",
       R"(field "credentials[0]": must be a [name, value] pair of strings)"},
      {"not json", "not valid JSON"},
      {"[1,2]", "must be a JSON object"},
      {R"({"t_us":0,"kind":"open","conn":1,"transport":"tcp"})", R"(field "seq": missing)"},
      {R"({"seq":-1,"t_us":0,"kind":"open","conn":1,"transport":"tcp"})", R"(field "seq": must not be negative)"},
      {R"({"seq":1,"t_us":0,"kind":"open","conn":"1","transport":"tcp"})", R"(field "conn": must be an integer)"},
      {R"({"seq":1,"t_us":0,"kind":"open","conn":1,"transport":"udp"})", R"(field "transport")"},
      {R"({"seq":1,"t_us":0,"kind":"nope"})", R"(unknown kind "nope")"},
      {R"({"seq":1,"t_us":0,"kind":"raw","conn":1,"dir":"c2s","offset":0,"bytes":"a$==","why":""})",
       R"(field "bytes": not valid standard base64)"},
      {R"({"seq":1,"t_us":0,"kind":"frame","conn":1,"dir":"c2s","offset":0,"fin":1,"rsv":0,"opcode":1,)"
       R"("masked":false,"mask_key":null,"payload_len":0,"header":"","payload":"","truncated":false})",
       R"(field "fin": must be true or false)"},
      {R"({"seq":1,"t_us":0,"kind":"frame","conn":1,"dir":"c2s","offset":0,"fin":true,"rsv":0,"opcode":1,)"
       R"("masked":true,"mask_key":"37FA213D","payload_len":0,"header":"","payload":"","truncated":false})",
       R"(field "mask_key")"},
      {R"({"seq":1,"t_us":0,"kind":"frame","conn":1,"dir":"c2s","offset":0,"fin":true,"rsv":8,"opcode":1,)"
       R"("masked":false,"mask_key":null,"payload_len":0,"header":"","payload":"","truncated":false})",
       R"(field "rsv": must be at most 7)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,)"
       R"("connections":[{"conn":1,"transport":"tcp","state":"http"}]})",
       R"(field "connections[0]": field "opened_t_us": missing)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,)"
       R"("connections":[{"conn":1,"transport":"tcp","state":"http","opened_t_us":0,"who":7}]})",
       R"(field "connections[0]": field "who": must be a string)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,)"
       R"("connections":[],"participants":{}})",
       R"(field "participants": must be an array)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,)"
       R"("connections":[],"participants":["Stranger 7f3a"]})",
       R"(field "participants[0]": must be an object)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":null,"transport":"websocket","conn":3,"state":"lobby"}]})",
       R"(field "participants[0]": field "who": must be a string)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":"S","transport":"tcp","conn":3,"state":"lobby"}]})",
       R"(field "participants[0]": field "transport": must be "websocket" or "long-poll")"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":"S","transport":"websocket","conn":"3","state":"lobby"}]})",
       R"(field "participants[0]": field "conn": must be an integer)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":"S","transport":"websocket","conn":3,"state":"chatting"}]})",
       R"(field "participants[0]": field "state": must be "lobby", "waiting", "paired" or "room")"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":"S","transport":"websocket","conn":3,"state":"paired","peer":false}]})",
       R"(field "participants[0]": field "peer": must be a string)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":"S","transport":"websocket","conn":3,"state":"paired"}]})",
       R"(field "participants[0]": field "peer": missing)"},
      {R"({"seq":1,"t_us":0,"kind":"hello","version":1,"relay":"r","tap":true,"deterministic":false,"connections":[],)"
       R"("participants":[{"who":"S","transport":"websocket","conn":3,"state":"room","room":7}]})",
       R"(field "participants[0]": field "room": must be a string)"},
  };
  for (const auto& [line, expected] : cases) {
    SCOPED_TRACE(line);
    auto r = parse_event_line(line);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().reason.find(expected), std::string::npos)
        << "reason should contain \"" << expected << "\" but was \"" << r.error().reason << "\"";
  }
}

}  // namespace
}  // namespace wire
