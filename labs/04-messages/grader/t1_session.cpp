// Lab 4 grader, tasks 1-3: Utf8Validator, close codes, close_frame, Session.
#include "../../02-frames/grader/describe.h"
#include "grade/grade.h"
#include "message.h"

#include <string>

namespace {

using Bytes = std::vector<std::uint8_t>;
using ws::Opcode;

Bytes bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

ws::Frame frame(Opcode op, const Bytes& payload, bool fin = true) {
  ws::Frame f;
  f.header.opcode = op;
  f.header.fin = fin;
  f.header.payload_len = payload.size();
  f.payload = payload;
  return f;
}

Bytes server_close(std::uint16_t code) {
  Bytes b = {0x88, 0x02, static_cast<std::uint8_t>(code >> 8), static_cast<std::uint8_t>(code & 0xff)};
  return b;
}

// RFC 6455 7.4.1's name of a close code, for "1007 (invalid payload data)".
std::string close_code(std::uint16_t code) {
  struct Name { std::uint16_t code; const char* name; };
  static const Name names[] = {
      {1000, "normal closure"}, {1001, "going away"}, {1002, "protocol error"}, {1003, "unsupported data"},
      {1004, "reserved"}, {1005, "no status: never on the wire"}, {1006, "abnormal closure: never on the wire"},
      {1007, "invalid payload data"}, {1008, "policy violation"}, {1009, "message too big"},
      {1010, "mandatory extension"}, {1011, "internal error"}, {1015, "TLS handshake: never on the wire"}};
  for (const Name& n : names) {
    if (n.code == code) return std::to_string(code) + " (" + n.name + ")";
  }
  const char* range = code < 1000   ? "not used"
                      : code < 3000 ? "reserved"
                      : code < 4000 ? "registered"
                      : code < 5000 ? "private use"
                                    : "not used";
  return std::to_string(code) + " (" + range + ")";
}

// A close body as "code 1005 (no status: never on the wire), reason \"bye\"", other payloads escaped.
std::string payload_of(const ws::Frame& f) {
  std::string_view p(reinterpret_cast<const char*>(f.payload.data()), f.payload.size());
  if (f.header.opcode != Opcode::close || p.size() < 2) return "payload \"" + grade::escape(p, 24) + "\"";
  std::string code = "code " + close_code(static_cast<std::uint16_t>(f.payload[0] << 8 | f.payload[1]));
  return p.size() == 2 ? code : code + ", reason \"" + grade::escape(p.substr(2), 24) + "\"";
}

ws::Reaction give(ws::Session& s, const ws::Frame& f) {
  grade::step("on_frame(" + describe(f.header) + ", " + payload_of(f) + ")");
  return s.on_frame(f);
}

// What on_frame answered, in hex and decoded: "\x88\x02\x03\xea" = close, code 1002 (protocol error).
struct Reply {
  Bytes bytes;
  bool operator==(const Reply&) const = default;
};

std::string describe(const Reply& r) {
  const Bytes& b = r.bytes;
  std::string text = "\"" + grade::hex(b) + "\"";
  if (b.empty()) return text + " (nothing)";
  if (b[0] != 0x88) return text + " = " + lab2::describe(lab2::FirstByte{b[0]});
  if (b.size() < 4) return text + " = close, without a code";
  return text + " = close, code " + close_code(static_cast<std::uint16_t>(b[2] << 8 | b[3]));
}

void expect_nothing(const ws::Reaction& r) {
  GRADE_EXPECT_EQ("a message", false, r.message.has_value());
  GRADE_EXPECT_EQ("reply", Bytes{}, r.reply);
  GRADE_EXPECT_EQ("close_connection", false, r.close_connection);
}

void expect_message(const ws::Reaction& r, Opcode op, const Bytes& payload) {
  GRADE_ASSERT_EQ("a message", true, r.message.has_value());
  GRADE_EXPECT_EQ("message opcode", op, r.message->opcode);
  GRADE_EXPECT_EQ("message payload", payload, r.message->payload);
  GRADE_EXPECT_EQ("close_connection", false, r.close_connection);
}

void expect_close(const ws::Reaction& r, std::uint16_t code) {
  GRADE_EXPECT_EQ("reply", Reply{server_close(code)}, Reply{r.reply});
  GRADE_EXPECT_EQ("close_connection", true, r.close_connection);
}

bool utf8(std::initializer_list<Bytes> pieces) {
  ws::Utf8Validator v;
  std::string shown;
  bool ok = true;
  for (const auto& p : pieces) {
    shown += " feed(\"" + grade::hex(p) + "\")";
    ok = ok && v.feed(p);
  }
  grade::step("Utf8Validator:" + shown + " and complete()");
  return ok && v.complete();
}

}  // namespace

GRADED_TEST(Utf8, ValidText, 1,
            "RFC 3629 4: ASCII is 1 byte; 2-, 3- and 4-byte characters start with 110xxxxx, 1110xxxx, 11110xxx "
            "and go on with 10xxxxxx bytes.") {
  const Bytes cases[] = {bytes(""), bytes("Hello"), bytes("Grüße"), bytes("κόσμε"), bytes("日本語"),
                         bytes("\xf0\x9f\x98\x80"), bytes("\xed\x9f\xbf"), bytes("\xf4\x8f\xbf\xbf")};
  for (const auto& c : cases) GRADE_EXPECT_EQ("valid UTF-8", true, utf8({c}));
}

GRADED_TEST(Utf8, InvalidText, 2,
            "RFC 3629 4: invalid are bytes that start nothing (80-C1, F5-FF), overlong forms (C0 80, E0 80 80, "
            "F0 80 80 80), surrogates (ED A0 80 is U+D800), anything above U+10FFFF (F4 90 80 80), a "
            "missing continuation byte, and a character cut off at the end.") {
  GRADE_ASSERT_EQ("valid UTF-8 (so that saying no is not by accident)", true, utf8({bytes("ok \xc3\xa9")}));
  const Bytes cases[] = {{0x80}, {0xc0, 0x80}, {0xc1, 0xbf}, {0xe0, 0x80, 0x80}, {0xed, 0xa0, 0x80},
                         {0xf0, 0x80, 0x80, 0x80}, {0xf4, 0x90, 0x80, 0x80}, {0xf5, 0x80, 0x80, 0x80},
                         {0xff}, {0xc3, 0x28}, {0xe2, 0x82}, {'a', 0xce}};
  for (const auto& c : cases) GRADE_EXPECT_EQ("valid UTF-8", false, utf8({c}));
}

GRADED_TEST(Utf8, SplitAnywhere, 1,
            "RFC 6455 5.6 and 8.1: a character may be split across fragments: keep the state between feed() "
            "calls; only complete() says whether the text ended in the middle of one.") {
  Bytes text = bytes("a\xf0\x9f\x98\x80" "b\xe6\x97\xa5");
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Bytes a(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(cut)), b(text.begin() + static_cast<std::ptrdiff_t>(cut), text.end());
    GRADE_EXPECT_EQ("valid UTF-8 in two pieces", true, utf8({a, b}));
  }
  GRADE_EXPECT_EQ("valid, and complete() after half a character", false, utf8({{0xf0, 0x9f}}));
}

GRADED_TEST(Close, CodesAndFrames, 2,
            "RFC 6455 7.4.1-7.4.2: 1000-1003, 1007-1011 and 3000-4999 may be sent; 1004, 1005, 1006 and "
            "1015 are reserved and MUST NOT be on the wire; 0-999 and the rest of 1000-2999 are not defined. "
            "A close frame's body is the code, high byte first, then the reason (5.5.1).") {
  for (unsigned code : {1000u, 1001u, 1002u, 1003u, 1007u, 1008u, 1009u, 1010u, 1011u, 3000u, 4999u}) {
    grade::step("is_valid_close_code(" + std::to_string(code) + ")");
    GRADE_EXPECT_EQ("valid", true, ws::is_valid_close_code(static_cast<std::uint16_t>(code)));
  }
  for (unsigned code : {0u, 999u, 1004u, 1005u, 1006u, 1012u, 1015u, 1016u, 2000u, 2999u, 5000u, 65535u}) {
    grade::step("is_valid_close_code(" + std::to_string(code) + ")");
    if (ws::is_valid_close_code(static_cast<std::uint16_t>(code)) && (code == 1005 || code == 1006)) {
      grade::symptom("1005 and 1006 only stand for \"no code\" and \"closed without a close frame\" in an API: "
                     "they MUST NOT be sent, so receiving one is a protocol error (RFC 6455 7.4.1).");
    }
    GRADE_EXPECT_EQ("valid", false, ws::is_valid_close_code(static_cast<std::uint16_t>(code)));
  }
  grade::step("close_frame(1000, \"bye\")");
  GRADE_EXPECT_EQ("bytes", (Bytes{0x88, 0x05, 0x03, 0xe8, 'b', 'y', 'e'}), ws::close_frame(1000, "bye"));
  grade::step("close_frame(0)");
  GRADE_EXPECT_EQ("bytes", (Bytes{0x88, 0x00}), ws::close_frame(0));
}

GRADED_TEST(Session, WholeAndFragmentedMessages, 2,
            "RFC 6455 5.4: a message is one frame with FIN, or a text/binary frame without FIN, continuation "
            "frames, and a last one with FIN; its payload is theirs joined in order.") {
  ws::Session s;
  expect_message(give(s, frame(Opcode::text, bytes("Hello"))), Opcode::text, bytes("Hello"));
  expect_message(give(s, frame(Opcode::binary, {1, 2, 3})), Opcode::binary, {1, 2, 3});
  expect_nothing(give(s, frame(Opcode::text, bytes("Hel"), false)));
  expect_nothing(give(s, frame(Opcode::continuation, bytes("l"), false)));
  expect_message(give(s, frame(Opcode::continuation, bytes("o"))), Opcode::text, bytes("Hello"));
  expect_message(give(s, frame(Opcode::text, {})), Opcode::text, {});
}

GRADED_TEST(Session, PingBetweenFragments, 2,
            "RFC 6455 5.4: control frames may come between the fragments of a message; 5.5.3: answer a ping "
            "with a pong carrying the same payload; a pong needs no answer.") {
  ws::Session s;
  expect_nothing(give(s, frame(Opcode::binary, {1}, false)));
  auto r = give(s, frame(Opcode::ping, bytes("are you there"), true));
  GRADE_EXPECT_EQ("a message", false, r.message.has_value());
  Bytes pong = {0x8a, 0x0d};
  Bytes body = bytes("are you there");
  pong.insert(pong.end(), body.begin(), body.end());
  if (r.reply.size() == 2) grade::symptom("The pong must carry the ping's payload (RFC 6455 5.5.3: the same application data).");
  GRADE_EXPECT_EQ("reply (a pong with the same payload)", pong, r.reply);
  expect_nothing(give(s, frame(Opcode::pong, bytes("x"))));
  expect_message(give(s, frame(Opcode::continuation, {2})), Opcode::binary, {1, 2});
}

GRADED_TEST(Session, BadSequences, 2,
            "RFC 6455 5.4: a continuation frame needs a message in progress, and a new text/binary frame may "
            "not start while one is: both fail the connection with 1002.") {
  {
    ws::Session s;
    grade::step("(a continuation frame with no message started)");
    auto r = give(s, frame(Opcode::continuation, bytes("x")));
    if (!r.close_connection) {
      grade::symptom("You took a continuation frame that continues nothing: with no unfinished text or binary "
                     "message before it, fail the connection with 1002 (RFC 6455 5.4).");
    }
    expect_close(r, 1002);
  }
  {
    ws::Session s;
    expect_nothing(give(s, frame(Opcode::text, bytes("a"), false)));
    grade::step("(a new text frame before the first message ended)");
    expect_close(give(s, frame(Opcode::text, bytes("b"))), 1002);
  }
}

GRADED_TEST(Session, Utf8AcrossFragments, 2,
            "RFC 6455 8.1: a text message must be UTF-8 as a whole: a character may be split between fragments "
            "(keep one Utf8Validator across them); close 1007 as soon as the text cannot be UTF-8.") {
  ws::Session s;
  auto first = give(s, frame(Opcode::text, {'a', 0xf0, 0x9f}, false));
  if (first.close_connection) {
    grade::symptom("You closed on a fragment that ends in the middle of a character (F0 9F; 98 80 follow in the "
                   "next fragment): keep one Utf8Validator for the whole message and fail only when the bytes can "
                   "no longer become UTF-8, or when the message ends mid-character (RFC 6455 8.1).");
  }
  expect_nothing(first);
  expect_message(give(s, frame(Opcode::continuation, {0x98, 0x80})), Opcode::text, {'a', 0xf0, 0x9f, 0x98, 0x80});
  expect_close(give(s, frame(Opcode::text, {'a', 0xc0, 0x80}, false)), 1007);
  ws::Session t;
  grade::step("(a text message that ends in the middle of a character)");
  expect_close(give(t, frame(Opcode::text, {'a', 0xe6, 0x97})), 1007);
  ws::Session u;
  grade::step("(binary messages are not UTF-8 checked)");
  expect_message(give(u, frame(Opcode::binary, {0xc0, 0x80})), Opcode::binary, {0xc0, 0x80});
}

GRADED_TEST(Session, TooBig, 1,
            "RFC 6455 7.4.1: a message bigger than the endpoint can take is closed with 1009; count all its "
            "fragments together.") {
  ws::Session s(10);
  grade::step("Session s(max_message_len = 10)");
  expect_nothing(give(s, frame(Opcode::binary, Bytes(6, 1), false)));
  expect_close(give(s, frame(Opcode::continuation, Bytes(5, 1))), 1009);
}

GRADED_TEST(Session, CloseHandshake, 2,
            "RFC 6455 5.5.1: answer a close frame with a close frame (echoing its code), then close the "
            "connection; an empty close gets an empty close. After it, ignore every frame.") {
  ws::Session s;
  expect_close(give(s, frame(Opcode::close, {0x03, 0xe8, 'b', 'y', 'e'})), 1000);
  expect_nothing(give(s, frame(Opcode::text, bytes("late"))));
  ws::Session t;
  auto r = give(t, frame(Opcode::close, {}));
  GRADE_EXPECT_EQ("reply (an empty close frame)", (Bytes{0x88, 0x00}), r.reply);
  GRADE_EXPECT_EQ("close_connection", true, r.close_connection);
  ws::Session u;
  expect_close(give(u, frame(Opcode::close, {0x0f, 0xa0})), 4000);
}

GRADED_TEST(Session, BadCloseFrames, 2,
            "RFC 6455 5.5.1 and 7.4.1: a close body of 1 byte, or a code that may not be sent (1005, 1006, "
            "1004, 999, 2000, ...) is a protocol error (1002); a reason that is not UTF-8 is 1007.") {
  struct Case { Bytes body; std::uint16_t want; const char* what; };
  const Case cases[] = {{{0x03}, 1002, "a 1-byte body"},
                        {{0x03, 0xed}, 1002, "code 1005"},
                        {{0x03, 0xee}, 1002, "code 1006"},
                        {{0x03, 0xec}, 1002, "code 1004"},
                        {{0x03, 0xe7}, 1002, "code 999"},
                        {{0x07, 0xd0}, 1002, "code 2000"},
                        {{0x03, 0xe8, 0xc0, 0x80}, 1007, "code 1000, reason C0 80"}};
  for (const auto& c : cases) {
    ws::Session s;
    grade::step(std::string("(") + c.what + ")");
    auto r = give(s, frame(Opcode::close, c.body));
    if (c.want == 1002 && r.reply.size() >= 4 && r.reply[2] == c.body[0] && c.body.size() == 2) {
      grade::symptom(std::string("You echoed ") + c.what + ": only codes that may be sent are accepted; "
                     "1005 and 1006 MUST NOT appear in a close frame (RFC 6455 7.4.1). Close with 1002.");
    }
    expect_close(r, c.want);
  }
}
