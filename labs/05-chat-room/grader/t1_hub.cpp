// Lab 5 grader, tasks 1-4: stranger_label and the Hub, called directly (no sockets): connections are
// numbers, time is a number the test picks, so every rule is checked exactly.
#include "calls.h"

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

namespace {

using json = nlohmann::json;
using ws::Outbox;
using chatgrade::Calls;
using chatgrade::to;

std::string type_of(const json& j) { return j.is_object() && j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : ""; }

// Opens connections 1..n and returns their labels (index 0 unused).
std::vector<std::string> open_all(Calls& calls, int n) {
  std::vector<std::string> labels(1);
  for (int c = 1; c <= n; ++c) {
    auto w = to(calls.open(c), c);
    labels.push_back(w.size() == 1 ? w[0].value("you", "") : "");
  }
  return labels;
}

void join_all(Calls& calls, int n, const std::string& room) {
  for (int c = 1; c <= n; ++c) calls.msg(c, json{{"type", "join"}, {"room", room}}.dump());
}

const std::regex kLabel("Stranger [0-9a-f]{4}");

}  // namespace

GRADED_TEST(Label, FormatAndRandom, 1,
            "stranger_label() is \"Stranger \" and 4 lowercase hex digits of 2 random bytes from a CSPRNG "
            "(getrandom, or std::random_device): unpredictable, so a label says nothing about who it is.") {
  std::set<std::string> seen;
  grade::step("stranger_label() 200 times");
  for (int i = 0; i < 200; ++i) {
    std::string l = ws::stranger_label();
    if (!std::regex_match(l, kLabel)) {
      GRADE_EXPECT_EQ("a label like \"Stranger 7f3a\"", std::string("Stranger xxxx"), l);
      return;
    }
    seen.insert(l);
  }
  grade::step("(" + std::to_string(seen.size()) + " different labels)");
  if (seen.size() < 150) {
    grade::symptom("Your labels repeat or follow a pattern: 200 random 16-bit labels are nearly all different. "
                   "A counter, a clock or a fixed seed makes them predictable; read 2 bytes from getrandom().");
  }
  GRADE_EXPECT_EQ("at least 150 of 200 labels differ", true, seen.size() >= 150);
}

GRADED_TEST(Hub, Welcome, 1,
            "on_open answers {\"type\":\"welcome\",\"you\":LABEL,\"limits\":{\"max_text_bytes\":2000}} to that "
            "connection only, with a label no other open connection has.") {
  ws::Hub hub;
  Calls calls(hub);
  std::set<std::string> labels;
  for (int c = 1; c <= 3; ++c) {
    Outbox out = calls.open(c);
    GRADE_ASSERT_EQ("messages from on_open", std::size_t{1}, out.size());
    GRADE_EXPECT_EQ("sent to", c, out[0].to);
    json w = to(out, c)[0];
    GRADE_EXPECT_EQ("type", std::string("welcome"), type_of(w));
    std::string you = w.value("you", "");
    GRADE_EXPECT_EQ("\"you\" is a label", true, std::regex_match(you, kLabel));
    GRADE_EXPECT_EQ("limits.max_text_bytes", true, w.contains("limits") && w["limits"].value("max_text_bytes", 0) == 2000);
    labels.insert(you);
  }
  GRADE_EXPECT_EQ("three different labels", std::size_t{3}, labels.size());
}

GRADED_TEST(Hub, JoinAndJoined, 2,
            "join: every member of the room, the joiner included, gets {\"type\":\"joined\",\"room\":R,\"members\":N} "
            "with N counting the joiner; joining the room one is in answers joined to the asker only.") {
  ws::Hub hub;
  Calls calls(hub);
  open_all(calls, 3);
  Outbox out = calls.msg(1, R"({"type":"join","room":"cs101"})");
  GRADE_EXPECT_EQ("to 1", (std::vector<json>{{{"type", "joined"}, {"room", "cs101"}, {"members", 1}}}), to(out, 1));
  out = calls.msg(2, R"({"type":"join","room":"cs101"})");
  json two = {{"type", "joined"}, {"room", "cs101"}, {"members", 2}};
  GRADE_EXPECT_EQ("to 1", std::vector<json>{two}, to(out, 1));
  GRADE_EXPECT_EQ("to 2", std::vector<json>{two}, to(out, 2));
  out = calls.msg(1, R"({"type":"join","room":"cs101"})");
  GRADE_EXPECT_EQ("to 1 (already there)", std::vector<json>{two}, to(out, 1));
  GRADE_EXPECT_EQ("to 2 (nothing new)", std::vector<json>{}, to(out, 2));
  out = calls.msg(3, R"({"type":"join","room":"other"})");
  GRADE_EXPECT_EQ("to 1 (another room)", std::vector<json>{}, to(out, 1));
}

GRADED_TEST(Hub, SaidToOthers, 2,
            "say: {\"type\":\"said\",\"from\":LABEL,\"text\":T} to every other member of the sender's room, in order; "
            "members of other rooms hear nothing.") {
  ws::Hub hub;
  Calls calls(hub);
  auto labels = open_all(calls, 4);
  join_all(calls, 3, "cs101");
  calls.msg(4, R"({"type":"join","room":"other"})");
  Outbox out = calls.msg(1, R"({"type":"say","text":"héllo \"all\""})");
  json said = {{"type", "said"}, {"from", labels[1]}, {"text", "héllo \"all\""}};
  GRADE_EXPECT_EQ("to 2", std::vector<json>{said}, to(out, 2));
  GRADE_EXPECT_EQ("to 3", std::vector<json>{said}, to(out, 3));
  GRADE_EXPECT_EQ("to 4 (another room)", std::vector<json>{}, to(out, 4));
  if (!to(out, 1).empty()) {
    grade::symptom("The sender got its own message back: a said goes to the other members only (the "
                   "browser client shows what it sent itself; an echo would show it twice).");
  }
  GRADE_EXPECT_EQ("to 1 (the sender)", std::vector<json>{}, to(out, 1));
}

GRADED_TEST(Hub, LeftNotices, 2,
            "leave, on_close and joining another room: {\"type\":\"left\",\"who\":LABEL} to the members left behind; "
            "after it the leaver hears nothing from that room.") {
  ws::Hub hub;
  Calls calls(hub);
  auto labels = open_all(calls, 3);
  join_all(calls, 3, "cs101");
  json left1 = {{"type", "left"}, {"who", labels[1]}};
  Outbox out = calls.msg(1, R"({"type":"leave"})");
  GRADE_EXPECT_EQ("to 2", std::vector<json>{left1}, to(out, 2));
  GRADE_EXPECT_EQ("to 1 (the leaver)", std::vector<json>{}, to(out, 1));
  out = calls.msg(2, R"({"type":"say","text":"still here?"})");
  GRADE_EXPECT_EQ("to 1 (left the room)", std::vector<json>{}, to(out, 1));
  out = calls.msg(2, R"({"type":"join","room":"elsewhere"})");
  GRADE_EXPECT_EQ("to 3 (2 moved to another room)", (std::vector<json>{{{"type", "left"}, {"who", labels[2]}}}), to(out, 3));
  calls.msg(1, R"({"type":"join","room":"elsewhere"})");
  out = calls.close(2);
  GRADE_EXPECT_EQ("to 1 (2 closed)", (std::vector<json>{{{"type", "left"}, {"who", labels[2]}}}), to(out, 1));
}

GRADED_TEST(Hub, NotPaired, 1,
            "say in no room, or alone in one: {\"type\":\"error\",\"code\":\"not_paired\",...} to the sender.") {
  ws::Hub hub;
  Calls calls(hub);
  open_all(calls, 1);
  Outbox out = calls.msg(1, R"({"type":"say","text":"anyone?"})");
  auto got = to(out, 1);
  GRADE_ASSERT_EQ("messages to 1", std::size_t{1}, got.size());
  GRADE_EXPECT_EQ("error code", std::string("not_paired"), got[0].value("code", ""));
  calls.msg(1, R"({"type":"join","room":"empty"})");
  got = to(calls.msg(1, R"({"type":"say","text":"anyone?"})"), 1);
  GRADE_ASSERT_EQ("messages to 1", std::size_t{1}, got.size());
  GRADE_EXPECT_EQ("error code", std::string("not_paired"), got[0].value("code", ""));
}

GRADED_TEST(Hub, BadMessage, 2,
            "Anything that is not a chat message (not JSON, not an object, no string \"type\", an unknown type, a "
            "missing or wrongly typed field, a bad room name, an empty or too long text) answers "
            "{\"type\":\"error\",\"code\":\"bad_message\",\"detail\":...} to the sender, and nothing else happens.") {
  ws::Hub hub;
  Calls calls(hub);
  open_all(calls, 2);
  join_all(calls, 2, "cs101");
  const char* bad[] = {"hello", "[1,2]", R"({"type":1})", R"({"text":"hi"})", R"({"type":"dance"})",
                       R"({"type":"say"})", R"({"type":"say","text":""})", R"({"type":"say","text":7})",
                       R"({"type":"join","room":"Big Room"})", R"({"type":"typing","on":"yes"})", "{\"type\":\"say\",\"text\":\"a"};
  for (const char* text : bad) {
    Outbox out = calls.msg(1, text);
    auto got = to(out, 1);
    bool ok = got.size() == 1 && type_of(got[0]) == "error" && got[0].value("code", "") == "bad_message" &&
              got[0].contains("detail") && got[0]["detail"].is_string();
    if (!ok) {
      grade::symptom("A message that is not a chat message must be answered with one error bad_message (with a "
                     "string \"detail\" saying what to change) and must not end anything: catch parse errors.");
    }
    GRADE_EXPECT_EQ(std::string("one error bad_message with a detail for ") + grade::escape(text), true, ok);
    GRADE_EXPECT_EQ("messages to 2", std::vector<json>{}, to(out, 2));
    if (testing::Test::HasFailure()) return;
  }
  std::string long_text(2001, 'x');
  auto got = to(calls.msg(1, json{{"type", "say"}, {"text", long_text}}.dump()), 1);
  GRADE_EXPECT_EQ("error code for a 2001-byte text", std::string("bad_message"), got.empty() ? "" : got[0].value("code", ""));
  Outbox out = calls.msg(1, R"({"type":"say","text":"still fine"})");
  GRADE_EXPECT_EQ("to 2 after the errors", std::size_t{1}, to(out, 2).size());
}

GRADED_TEST(Typing, RelayAndExpiry, 2,
            "typing: {\"type\":\"typing\",\"from\":LABEL,\"on\":ON} to the other members; a flag not refreshed "
            "within typing_expiry_ms ends by itself: on_tick sends typing false to the others, once.") {
  ws::Hub hub(3000);
  Calls calls(hub);
  auto labels = open_all(calls, 2);
  join_all(calls, 2, "cs101");
  json on = {{"type", "typing"}, {"from", labels[1]}, {"on", true}};
  json off = {{"type", "typing"}, {"from", labels[1]}, {"on", false}};
  Outbox out = calls.msg(1, R"({"type":"typing","on":true})", 10000);
  GRADE_EXPECT_EQ("to 2", std::vector<json>{on}, to(out, 2));
  GRADE_EXPECT_EQ("to 1", std::vector<json>{}, to(out, 1));
  out = calls.msg(1, R"({"type":"typing","on":true})", 12000);  // refreshed: now ends at 15000
  GRADE_EXPECT_EQ("to 2 (the refresh)", std::vector<json>{on}, to(out, 2));
  GRADE_EXPECT_EQ("to 2 at 13500 (not expired: refreshed at 12000)", std::vector<json>{}, to(calls.tick(13500), 2));
  out = calls.tick(15000);
  if (to(out, 2).empty()) {
    grade::symptom("The typing flag did not end at 15000, exactly typing_expiry_ms (3000) after its last refresh: "
                   "remember when each member's flag was last set (now), and in on_tick send typing false for "
                   "each flag with now - set_at >= typing_expiry_ms (at the expiry, not one tick later), then "
                   "forget it.");
  }
  GRADE_EXPECT_EQ("to 2 at 15000 (3000 ms after the last refresh)", std::vector<json>{off}, to(out, 2));
  GRADE_EXPECT_EQ("to 2 at 16000 (ended already)", std::vector<json>{}, to(calls.tick(16000), 2));
  grade::step("a said ends the flag too, without a typing false");
  calls.msg(1, R"({"type":"typing","on":true})", 20000);
  calls.msg(1, R"({"type":"say","text":"done"})", 20500);
  GRADE_EXPECT_EQ("to 2 at 30000", std::vector<json>{}, to(calls.tick(30000), 2));
}
