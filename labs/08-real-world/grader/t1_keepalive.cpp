// Lab 8 grader, tasks 1-2: the Keepalive state machine on a fake clock (the times are the grader's, so
// the transcript is the same every run), and the welcome that states the keepalive.
#include "survive_client.h"

using lab8::json;

namespace {

const char* describe_action(ws::KeepaliveAction a) {
  return a == ws::KeepaliveAction::none ? "none" : a == ws::KeepaliveAction::ping ? "ping" : "hang_up";
}

// tick(now) as a step, its answer compared with what the contract says.
bool tick_is(ws::Keepalive& k, ws::Millis now, ws::KeepaliveAction want) {
  grade::step("tick(" + std::to_string(now) + ")");
  ws::KeepaliveAction got = k.tick(now);
  GRADE_EXPECT_EQ("action", std::string(describe_action(want)), std::string(describe_action(got)));
  return got == want;
}

}  // namespace

GRADED_TEST(Keepalive, PingAfterQuiet, 2,
            "RFC 6455 5.5.2: a ping once the client has been quiet for ping_after_ms (at now - last heard >= "
            "ping_after_ms), one per quiet period (not one per tick); heard() starts the quiet period again.") {
  ws::Millis start = 1000 + static_cast<ws::Millis>(grade::rng()() % 5000);
  ws::Millis after = 200 + static_cast<ws::Millis>(grade::rng()() % 800);
  ws::Millis within = 100 + static_cast<ws::Millis>(grade::rng()() % 400);
  grade::step("Keepalive k(ping_after_ms = " + std::to_string(after) + ", pong_within_ms = " + std::to_string(within) +
              ", now = " + std::to_string(start) + ")");
  ws::Keepalive k(after, within, start);
  if (!tick_is(k, start + after - 1, ws::KeepaliveAction::none)) grade::symptom("A ping came before ping_after_ms of quiet had passed.");
  if (!tick_is(k, start + after, ws::KeepaliveAction::ping)) {
    grade::symptom("No ping came at now - last heard == ping_after_ms: a quiet client must get a ping then (RFC 6455 5.5.2).");
    return;
  }
  if (!tick_is(k, start + after + 1, ws::KeepaliveAction::none)) {
    grade::symptom("A second ping came one tick after the first: one ping per quiet period (remember when it went out).");
  }
  grade::step("heard(" + std::to_string(start + after + 10) + ")  (the pong)");
  k.heard(start + after + 10);
  tick_is(k, start + after + 10 + after - 1, ws::KeepaliveAction::none);
  if (!tick_is(k, start + 2 * after + 10, ws::KeepaliveAction::ping)) {
    grade::symptom("After heard(), the next quiet period must end in a ping too: heard() starts it again.");
  }
}

GRADED_TEST(Keepalive, HangUpWithoutPong, 2,
            "RFC 6455 5.5.3: a ping is answered by a pong; hang_up once pong_within_ms have passed since the ping with "
            "nothing heard (at now - ping sent >= pong_within_ms, and on every tick after); heard() in between saves it.") {
  ws::Millis start = static_cast<ws::Millis>(grade::rng()() % 5000);
  ws::Millis after = 200 + static_cast<ws::Millis>(grade::rng()() % 800);
  ws::Millis within = 100 + static_cast<ws::Millis>(grade::rng()() % 400);
  grade::step("Keepalive k(ping_after_ms = " + std::to_string(after) + ", pong_within_ms = " + std::to_string(within) +
              ", now = " + std::to_string(start) + ")");
  ws::Keepalive k(after, within, start);
  ws::Millis ping_at = start + after + 5;
  if (!tick_is(k, ping_at, ws::KeepaliveAction::ping)) {
    grade::symptom("tick said none where a ping was due (after ping_after_ms of quiet): the wait for a pong starts "
                   "with that ping (Keepalive.PingAfterQuiet checks it step by step).");
    return;
  }
  tick_is(k, ping_at + within - 1, ws::KeepaliveAction::none);
  if (!tick_is(k, ping_at + within, ws::KeepaliveAction::hang_up)) {
    grade::symptom("No hang_up when pong_within_ms had passed since the ping without a word from the client: a "
                   "connection nobody answers on must end, or a dead client holds its place forever.");
    return;
  }
  if (!tick_is(k, ping_at + within + 50, ws::KeepaliveAction::hang_up)) {
    grade::symptom("hang_up was said once and then forgotten: until the server acts on it, every tick says hang_up.");
  }
  grade::step("Keepalive k2(same times, now = " + std::to_string(start) + ")");
  ws::Keepalive k2(after, within, start);
  tick_is(k2, ping_at, ws::KeepaliveAction::ping);
  grade::step("heard(" + std::to_string(ping_at + within - 1) + ")  (the pong, just in time)");
  k2.heard(ping_at + within - 1);
  if (!tick_is(k2, ping_at + within, ws::KeepaliveAction::none)) {
    grade::symptom("The pong came in time but the client was still hung up: heard() answers the outstanding ping.");
  }
}

GRADED_TEST(Welcome, StatesKeepalive, 1,
            "welcome_with_keepalive: the welcome's \"limits\" gains \"ping_after_s\" and \"pong_within_s\" (seconds, as "
            "numbers: 300 ms is 0.3); every other field stays; a message that is not a welcome comes back unchanged.") {
  ws::SurviveOptions o;
  o.ping_after_ms = 300 + 100 * static_cast<ws::Millis>(grade::rng()() % 10);
  o.pong_within_ms = 250;
  std::string welcome = R"({"type":"welcome","you":"Stranger 7f3a","limits":{"max_text_bytes":2000,"rate_per_s":10,"burst":20}})";
  grade::step("welcome_with_keepalive(" + welcome + ", {ping_after_ms = " + std::to_string(o.ping_after_ms) +
              ", pong_within_ms = 250})");
  json got = json::parse(ws::welcome_with_keepalive(welcome, o), nullptr, false);
  json want = json::parse(welcome);
  want["limits"]["ping_after_s"] = static_cast<double>(o.ping_after_ms) / 1000;
  want["limits"]["pong_within_s"] = 0.25;
  GRADE_EXPECT_EQ("the welcome", want.dump(), got.is_discarded() ? std::string("(not JSON)") : got.dump());
  std::string said = R"({"type":"said","from":"Stranger 7f3a","text":"limits"})";
  grade::step("welcome_with_keepalive(" + said + ", ...)");
  GRADE_EXPECT_EQ("a said, unchanged", said, ws::welcome_with_keepalive(said, o));
}
