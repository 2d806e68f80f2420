// Lab 7 grader, tasks 1-2: session ids, query arguments and the stats JSON, called directly.
#include "grade/grade.h"
#include "longpoll.h"

#include <nlohmann/json.hpp>
#include <set>

GRADED_TEST(Ids, NewSessionId, 1,
            "new_session_id: 32 lowercase hex digits (16 bytes from getrandom), a different one every call.") {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string id = ws::new_session_id();
    if (i < 2) grade::step("new_session_id() = \"" + grade::escape(id) + "\"");
    bool hex = id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) {
      GRADE_EXPECT_EQ("32 lowercase hex digits", true, hex);
      return;
    }
    seen.insert(id);
  }
  if (seen.size() < 200) grade::symptom("Two of 200 ids were the same: take all 16 bytes from getrandom(2) on every call.");
  GRADE_EXPECT_EQ("different ids of 200", std::size_t{200}, seen.size());
}

GRADED_TEST(Ids, IsSessionId, 1, "is_session_id: true for exactly 32 characters of 0-9 a-f, false for anything else.") {
  const std::string good = "0123456789abcdef0123456789abcdef";
  const std::pair<std::string, bool> cases[] = {
      {good, true}, {"ffffffffffffffffffffffffffffffff", true}, {good.substr(1), false}, {good + "0", false},
      {"0123456789ABCDEF0123456789abcdef", false}, {"0123456789abcdeg0123456789abcdef", false}, {"", false},
      {"0123456789abcdef0123456789abcde ", false}};
  for (const auto& [id, want] : cases) {
    grade::step("is_session_id(\"" + grade::escape(id) + "\")");
    GRADE_EXPECT_EQ("is_session_id", want, ws::is_session_id(id));
  }
}

GRADED_TEST(Ids, QueryArg, 1,
            "query_arg(target, name): the value after `name=` in the query (after '?', arguments split at '&'); "
            "the first one; \"\" when there is none. `sessions=1` is not `session`.") {
  const std::tuple<std::string, std::string, std::string> cases[] = {
      {"/poll/recv?session=ab12", "session", "ab12"},
      {"/poll/send?x=1&session=cd34&y=2", "session", "cd34"},
      {"/poll/send?session=first&session=second", "session", "first"},
      {"/poll/recv", "session", ""},
      {"/poll/recv?sessions=1", "session", ""},
      {"/poll/recv?xsession=1", "session", ""},
      {"/poll/recv?session=", "session", ""},
      {"/a?b=c", "b", "c"}};
  for (const auto& [target, name, want] : cases) {
    grade::step("query_arg(\"" + target + "\", \"" + name + "\")");
    GRADE_EXPECT_EQ("value", want, ws::query_arg(target, name));
  }
}

GRADED_TEST(Stats, Json, 1,
            "stats_json: {\"websocket\":{\"c2s_bytes\":..,\"s2c_bytes\":..,\"messages\":..,\"bytes_per_message\":..},"
            "\"long_poll\":{...}}, bytes_per_message = (c2s_bytes + s2c_bytes) / messages, 0 with no messages.") {
  ws::WireStats s;
  s.websocket = {1000, 2001, 10};
  s.long_poll = {3000, 4000, 0};
  grade::step("stats_json({websocket: 1000, 2001, 10 messages; long_poll: 3000, 4000, 0 messages})");
  std::string text = ws::stats_json(s);
  grade::got(text);
  auto j = nlohmann::json::parse(text, nullptr, false);
  GRADE_ASSERT_EQ("is a JSON object", true, j.is_object());
  const nlohmann::json want_ws = {{"c2s_bytes", 1000}, {"s2c_bytes", 2001}, {"messages", 10}, {"bytes_per_message", 300.1}};
  const nlohmann::json want_lp = {{"c2s_bytes", 3000}, {"s2c_bytes", 4000}, {"messages", 0}, {"bytes_per_message", 0}};
  // compared as JSON values (0 and 0.0 are equal), shown as text
  for (const auto& [key, want] : {std::pair{"websocket", want_ws}, std::pair{"long_poll", want_lp}}) {
    nlohmann::json got = j.value(key, nlohmann::json());
    GRADE_EXPECT_EQ(key, want.dump(), (got == want ? want : got).dump());
  }
}
