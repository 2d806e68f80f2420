// Lab 6 grader, tasks 1-4: Strangers and TokenBucket, called directly: connections are numbers and the
// clock is a number the test sets, so pairing order and the rate limit are checked exactly.
#include "../../05-chat-room/grader/calls.h"
#include "strangers.h"

#include <nlohmann/json.hpp>
#include <set>

namespace {

using json = nlohmann::json;
using ws::Outbox;
using chatgrade::Calls;
using chatgrade::to;

std::string code_of(const std::vector<json>& got) {
  return got.size() == 1 && got[0].is_object() && got[0].value("type", "") == "error" ? got[0].value("code", "") : "";
}

std::vector<std::string> open_all(Calls& calls, int n, ws::Millis now = 0) {
  std::vector<std::string> labels(1);
  for (int c = 1; c <= n; ++c) {
    auto w = to(calls.open(c, now), c);
    labels.push_back(w.size() == 1 && w[0].is_object() ? w[0].value("you", "") : "");
  }
  return labels;
}

const json kWaiting = {{"type", "waiting"}};
const std::string kFind = R"({"type":"find"})";
json paired(const std::string& peer) { return {{"type", "paired"}, {"peer", peer}}; }

}  // namespace

GRADED_TEST(Pairing, WelcomeLimits, 1,
            "on_open: {\"type\":\"welcome\",\"you\":LABEL,\"limits\":{\"max_text_bytes\":...,\"rate_per_s\":...,"
            "\"burst\":...}} with the numbers of the Limits the Strangers was made with.") {
  ws::Strangers s(ws::Limits{1000, 5, 8});
  Calls calls(s);
  auto w = to(calls.open(1), 1);
  GRADE_ASSERT_EQ("messages to 1", std::size_t{1}, w.size());
  GRADE_EXPECT_EQ("type", std::string("welcome"), w[0].value("type", ""));
  GRADE_EXPECT_EQ("you starts with \"Stranger \"", true, w[0].value("you", "").rfind("Stranger ", 0) == 0);
  json limits = w[0].contains("limits") ? w[0]["limits"] : json();
  grade::step("limits: " + limits.dump());
  const json want = {{"max_text_bytes", 1000}, {"rate_per_s", 5}, {"burst", 8}};  // 5 and 5.0 compare equal
  GRADE_EXPECT_EQ("limits are max_text_bytes 1000, rate_per_s 5, burst 8", true, limits == want);
}

GRADED_TEST(Pairing, FindWaitPair, 2,
            "find: waiting when nobody waits; else paired with the one who has waited longest, paired sent to both "
            "with the other's label. find while paired leaves first (the old peer gets left).") {
  ws::Strangers s;
  Calls calls(s);
  auto labels = open_all(calls, 3);
  GRADE_EXPECT_EQ("to 1", std::vector<json>{kWaiting}, to(calls.msg(1, kFind), 1));
  GRADE_EXPECT_EQ("to 1 (finds again while waiting)", std::vector<json>{kWaiting}, to(calls.msg(1, kFind), 1));
  Outbox out = calls.msg(2, kFind);
  GRADE_EXPECT_EQ("to 1", std::vector<json>{paired(labels[2])}, to(out, 1));
  GRADE_EXPECT_EQ("to 2", std::vector<json>{paired(labels[1])}, to(out, 2));
  auto third = to(calls.msg(3, kFind), 3);
  if (!third.empty() && third[0].value("type", "") == "paired") {
    grade::symptom("Connection 1 was paired twice: a stranger who sends find while already waiting keeps its one "
                   "place in the queue (answer waiting again; do not queue it a second time).");
  }
  GRADE_EXPECT_EQ("to 3", std::vector<json>{kWaiting}, third);
  out = calls.msg(1, kFind);  // skip: leaves 2, pairs with 3 who waits
  GRADE_EXPECT_EQ("to 2 (1 skipped)", (std::vector<json>{{{"type", "left"}, {"who", labels[1]}}}), to(out, 2));
  GRADE_EXPECT_EQ("to 3 (waiting longest)", std::vector<json>{paired(labels[1])}, to(out, 3));
  GRADE_EXPECT_EQ("to 1", std::vector<json>{paired(labels[3])}, to(out, 1));
}

GRADED_TEST(Pairing, LeaveAndClose, 2,
            "leave: the peer gets {\"type\":\"left\",\"who\":LABEL}, the leaver nothing; leaving the queue takes you "
            "out of it; on_close is a leave.") {
  ws::Strangers s;
  Calls calls(s);
  auto labels = open_all(calls, 4);
  calls.msg(1, kFind);
  calls.msg(2, kFind);
  Outbox out = calls.msg(1, R"({"type":"leave"})");
  GRADE_EXPECT_EQ("to 2", (std::vector<json>{{{"type", "left"}, {"who", labels[1]}}}), to(out, 2));
  GRADE_EXPECT_EQ("to 1 (the leaver)", std::vector<json>{}, to(out, 1));
  calls.msg(3, kFind);
  calls.msg(3, R"({"type":"leave"})");
  out = calls.msg(4, kFind);
  if (!to(out, 3).empty()) {
    grade::symptom("A stranger who left the queue was still paired: leave (and on_close) must take a waiting "
                   "connection out of the queue.");
  }
  GRADE_EXPECT_EQ("to 4 (3 left the queue)", std::vector<json>{kWaiting}, to(out, 4));
  out = calls.msg(2, kFind);
  GRADE_EXPECT_EQ("to 2", std::vector<json>{paired(labels[4])}, to(out, 2));
  out = calls.close(4);
  GRADE_EXPECT_EQ("to 2 (4 closed)", (std::vector<json>{{{"type", "left"}, {"who", labels[4]}}}), to(out, 2));
}

GRADED_TEST(Pairing, SayOnlyWhilePaired, 2,
            "say: {\"type\":\"said\",\"from\":LABEL,\"text\":T} to the peer only; alone or waiting: error not_paired.") {
  ws::Strangers s;
  Calls calls(s);
  auto labels = open_all(calls, 3);
  const std::string say = R"({"type":"say","text":"hi there"})";
  GRADE_EXPECT_EQ("error code (alone)", std::string("not_paired"), code_of(to(calls.msg(1, say), 1)));
  calls.msg(1, kFind);
  GRADE_EXPECT_EQ("error code (waiting)", std::string("not_paired"), code_of(to(calls.msg(1, say), 1)));
  calls.msg(2, kFind);
  Outbox out = calls.msg(1, say);
  GRADE_EXPECT_EQ("to 2", (std::vector<json>{{{"type", "said"}, {"from", labels[1]}, {"text", "hi there"}}}), to(out, 2));
  GRADE_EXPECT_EQ("to 1", std::vector<json>{}, to(out, 1));
  GRADE_EXPECT_EQ("to 3", std::vector<json>{}, to(out, 3));
  out = calls.msg(2, R"({"type":"typing","on":true})");
  GRADE_EXPECT_EQ("to 1", (std::vector<json>{{{"type", "typing"}, {"from", labels[2]}, {"on", true}}}), to(out, 1));
  calls.msg(2, R"({"type":"leave"})");
  GRADE_EXPECT_EQ("error code (the peer left)", std::string("not_paired"), code_of(to(calls.msg(1, say), 1)));
  GRADE_EXPECT_EQ("error code for a join", std::string("bad_message"), code_of(to(calls.msg(3, R"({"type":"join","room":"x"})"), 3)));
}

GRADED_TEST(Pairing, FairnessFifty, 3,
            "50 strangers find one after another: the 1st and 2nd are paired, then the 3rd and 4th, ...: every one "
            "paired exactly once, each pair symmetric (first come, first paired: a FIFO queue).") {
  ws::Strangers s;
  Calls calls(s, true);
  auto labels = open_all(calls, 50);
  std::map<std::string, int> by_label;
  for (int c = 1; c <= 50; ++c) by_label[labels[static_cast<std::size_t>(c)]] = c;
  std::map<int, std::vector<int>> peers;  // connection -> the peers it was told about
  grade::step("connections 1..50 each send find, in order");
  for (int c = 1; c <= 50; ++c) {
    for (const auto& o : calls.msg(c, kFind)) {
      json j = json::parse(o.json, nullptr, false);
      if (!j.is_discarded() && j.is_object() && j.value("type", "") == "paired") peers[o.to].push_back(by_label[j.value("peer", "")]);
    }
  }
  for (int c = 1; c <= 50; ++c) {
    int want = c % 2 == 1 ? c + 1 : c - 1;
    const auto& got = peers[c];
    if (got.size() != 1 || got[0] != want) {
      grade::symptom("Strangers must be paired in the order they came: keep the waiting ones in a FIFO queue "
                     "(std::deque), pair a newcomer with its front, and never pair anyone twice.");
      std::string told;
      for (int p : got) told += (told.empty() ? "" : ", ") + std::to_string(p);
      ADD_FAILURE() << "connection " << c << " was paired with [" << told << "], expected [" << want << "]";
      return;
    }
  }
  grade::ok("25 pairs: (1,2), (3,4), ... (49,50), each told once");
}

GRADED_TEST(Pairing, SkipStorm, 2,
            "Many skips (find while paired), leaves and closes in a row: after each, whoever believes it is paired "
            "with X is believed by X to be paired with it, and nobody is paired with itself.") {
  ws::Strangers s(ws::Limits{2000, 1e6, 1e6});  // no rate limit in the way: 400 messages in 400 ms
  Calls calls(s, true);
  constexpr int kN = 12;
  auto labels = open_all(calls, kN);
  std::map<std::string, int> by_label;
  for (int c = 1; c <= kN; ++c) by_label[labels[static_cast<std::size_t>(c)]] = c;
  std::map<int, int> peer;  // what each connection was told: its peer, or 0
  int paired_messages = 0;
  auto& rng = grade::rng();
  grade::step("400 random finds, leaves and closes (then reopens) among 12 connections");
  for (int i = 0; i < 400; ++i) {
    int c = static_cast<int>(rng() % kN) + 1;
    int what = static_cast<int>(rng() % 10);
    Outbox out;
    std::string action;
    if (what < 7) {
      action = "find";
      out = calls.msg(c, kFind, i);
    } else if (what < 9) {
      action = "leave";
      out = calls.msg(c, R"({"type":"leave"})", i);
      peer[c] = 0;
    } else {
      action = "close and reopen";
      out = calls.close(c, i);
      peer[c] = 0;
      Outbox w = calls.open(c, i);
      auto got = to(w, c);
      std::string you = got.size() == 1 && got[0].is_object() ? got[0].value("you", "") : "";
      by_label.erase(labels[static_cast<std::size_t>(c)]);
      labels[static_cast<std::size_t>(c)] = you;
      by_label[you] = c;
    }
    if (action == "find" && peer[c] != 0) peer[c] = 0;  // a skip: the old pair is over
    for (const auto& o : out) {
      json j = json::parse(o.json, nullptr, false);
      if (j.is_discarded() || !j.is_object()) continue;
      std::string type = j.value("type", "");
      if (type == "paired") {
        peer[o.to] = by_label.count(j.value("peer", "")) ? by_label[j.value("peer", "")] : -1;
        ++paired_messages;
      }
      if (type == "left") peer[o.to] = 0;
    }
    for (int x = 1; x <= kN; ++x) {
      int p = peer[x];
      bool ok = p == 0 || (p > 0 && p != x && peer[p] == x);
      if (!ok) {
        grade::symptom("After a skip the two sides disagree about who is paired with whom: when c finds while "
                       "paired, tell the old peer left and clear BOTH sides' peer before pairing c again.");
        ADD_FAILURE() << "step " << i << " (" << action << " by " << c << "): connection " << x << " believes it is "
                      << "paired with " << p << ", who believes it is paired with " << (p > 0 ? peer[p] : 0);
        return;
      }
    }
  }
  grade::step("(" + std::to_string(paired_messages) + " paired messages in the storm)");
  GRADE_EXPECT_EQ("strangers were paired during the storm (at least 40 paired messages)", true, paired_messages >= 40);
  if (!testing::Test::HasFailure()) grade::ok("every pair symmetric after each of the 400 steps");
}

GRADED_TEST(Limits, TokenBucketExact, 3,
            "A token bucket per connection: it starts with burst tokens, gains rate_per_s per second of the clock "
            "given (never above burst); every message spends one, and with less than one the answer is error "
            "rate_limited and the message is not acted on.") {
  ws::Strangers s(ws::Limits{2000, 10, 5});
  Calls calls(s);
  open_all(calls, 2);
  calls.msg(2, kFind, 0);
  calls.msg(1, kFind, 0);  // 1 has 4 tokens left
  struct Step { ws::Millis now; int allowed; };
  // now=0: 4 left. now=150: 1.5 tokens -> 1. now=1000: 0.5 + 8.5 capped at 5 -> 5. now=1050: 0.5 -> 0. now=1120: 1.2 -> 1.
  const Step steps[] = {{0, 4}, {150, 1}, {1000, 5}, {1050, 0}, {1120, 1}};
  int n = 0;
  for (const auto& st : steps) {
    grade::step("at now=" + std::to_string(st.now) + ": says until one is refused (expect " + std::to_string(st.allowed) + " to pass)");
    int passed = 0;
    for (;;) {
      Outbox out = calls.msg(1, "{\"type\":\"say\",\"text\":\"m" + std::to_string(n++) + "\"}", st.now);
      if (code_of(to(out, 1)) == "rate_limited") {
        GRADE_EXPECT_EQ("the refused say reached nobody", std::vector<json>{}, to(out, 2));
        break;
      }
      if (to(out, 2).size() != 1 || ++passed > st.allowed) break;
    }
    if (passed != st.allowed && st.now == 1000) {
      grade::symptom("The bucket held more than burst tokens after a long pause: cap tokens at burst when you refill.");
    }
    GRADE_EXPECT_EQ("says that passed at now=" + std::to_string(st.now), st.allowed, passed);
    if (testing::Test::HasFailure()) return;
  }
}

GRADED_TEST(Limits, TooLong, 1,
            "A say whose text is longer than max_text_bytes (UTF-8 bytes, not characters) gets error too_long and "
            "reaches nobody; one exactly at the limit passes.") {
  ws::Strangers s(ws::Limits{10, 100, 100});
  Calls calls(s);
  open_all(calls, 2);
  calls.msg(1, kFind);
  calls.msg(2, kFind);
  GRADE_EXPECT_EQ("error code for 11 bytes", std::string("too_long"), code_of(to(calls.msg(1, R"({"type":"say","text":"hello world"})"), 1)));
  GRADE_EXPECT_EQ("error code for 6 characters in 12 bytes", std::string("too_long"),
                  code_of(to(calls.msg(1, R"({"type":"say","text":"éééééé"})"), 1)));
  GRADE_EXPECT_EQ("messages to 2 for exactly 10 bytes", std::size_t{1}, to(calls.msg(1, R"({"type":"say","text":"0123456789"})"), 2).size());
}
