// relay/demo's script: what the strangers say, when, and the JSON they send.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "relay/demo/keys.h"
#include "relay/demo/script.h"

namespace relay::demo {
namespace {

TEST(DemoScript, ClientMessagesAreDesignJsonWithTypeFirst) {
  EXPECT_EQ(find_json(), R"({"type":"find"})");
  EXPECT_EQ(leave_json(), R"({"type":"leave"})");
  EXPECT_EQ(typing_json(true), R"({"type":"typing","on":true})");
  EXPECT_EQ(say_json("a \"quoted\" line"), R"({"type":"say","text":"a \"quoted\" line"})");
}

TEST(DemoScript, RoundHasSixLinesAPingAndAnEnding) {
  KeySource rng(true);
  for (std::size_t round = 0; round < 4; ++round) {
    const auto steps = round_steps(round, true, rng);
    std::size_t says = 0, pings = 0;
    for (const Step& s : steps) {
      says += s.action == Action::say;
      pings += s.action == Action::ping;
    }
    EXPECT_EQ(says, 6u) << "round " << round;
    EXPECT_EQ(pings, 1u) << "round " << round;
    ASSERT_FALSE(steps.empty());
    const Action want = round % 2 == 0 ? Action::skip : Action::reconnect;
    EXPECT_EQ(steps.back().action, want) << "round " << round << " should end with " << action_name(want)
                                         << ", but ends with " << action_name(steps.back().action);
    EXPECT_EQ(steps.back().who, Who::a);
  }
}

TEST(DemoScript, SpeakersTakeTurnsAndPingIsAlwaysA) {
  KeySource rng(true);
  const auto steps = round_steps(0, true, rng);
  Who last = Who::b;
  for (const Step& s : steps) {
    if (s.action == Action::say) {
      EXPECT_NE(s.who, last) << "two lines in a row from stranger " << who_name(s.who) << ": \"" << s.text << "\"";
      last = s.who;
    } else {
      EXPECT_EQ(s.who, Who::a) << action_name(s.action) << " is A's (the WebSocket stranger's) job";
    }
  }
}

TEST(DemoScript, PaceIsReadableOneToTwoSeconds) {
  for (const bool deterministic : {true, false}) {
    KeySource rng(deterministic);
    for (std::size_t round = 0; round < 6; ++round) {
      for (const Step& s : round_steps(round, deterministic, rng)) {
        EXPECT_GE(s.pause_ms, 1000u) << action_name(s.action) << " \"" << s.text << "\"";
        EXPECT_LE(s.pause_ms, 2000u) << action_name(s.action) << " \"" << s.text << "\"";
        if (s.action == Action::say) {
          EXPECT_GE(s.typing_ms, 500u);
          EXPECT_LE(s.typing_ms, 1000u);
        }
      }
    }
  }
}

TEST(DemoScript, DeterministicRoundsRepeatExactly) {
  KeySource r1(true), r2(false);
  for (std::size_t round = 0; round < 3; ++round) {
    const auto a = round_steps(round, true, r1);
    const auto b = round_steps(round, true, r2);   // the rng is not used when deterministic
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].text, b[i].text) << "round " << round << " step " << i;
      EXPECT_EQ(a[i].pause_ms, b[i].pause_ms) << "round " << round << " step " << i;
      EXPECT_EQ(a[i].typing_ms, b[i].typing_ms) << "round " << round << " step " << i;
    }
  }
}

TEST(DemoScript, EveryLineFitsTheRelayLimitAndIsValidJson) {
  KeySource rng(true);
  for (std::size_t round = 0; round < 2; ++round) {
    for (const Step& s : round_steps(round, true, rng)) {
      if (s.action != Action::say) continue;
      EXPECT_FALSE(s.text.empty());
      EXPECT_LE(s.text.size(), kMaxLineBytes) << "\"" << s.text << "\"";
      const auto j = nlohmann::json::parse(say_json(s.text), nullptr, false);
      ASSERT_FALSE(j.is_discarded()) << say_json(s.text);
      EXPECT_EQ(j["text"], s.text);
    }
  }
}

}  // namespace
}  // namespace relay::demo
