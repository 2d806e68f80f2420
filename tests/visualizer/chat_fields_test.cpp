// ChatFields (visualizer/model/chat_fields.h) reads `type`, `you` and `from`
// with a SAX handler; it must answer exactly as reading them from nlohmann's
// DOM did before (what the statistics were written and tested against), for
// chat messages, long-poll arrays and everything malformed around them.
#include <gtest/gtest.h>

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/chat_fields.h"

namespace viz {
namespace {

using Json = nlohmann::json;

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The reference: the DOM, as stats.cpp read it before.
std::string dom_field(const Json& j, const char* name) {
  if (!j.is_object()) return {};
  const auto it = j.find(name);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}
ChatFields dom_fields(const Json& j) { return {dom_field(j, "type"), dom_field(j, "you"), dom_field(j, "from")}; }
Json dom(const std::string& s) { return Json::parse(s.begin(), s.end(), nullptr, /*allow_exceptions=*/false); }

std::string escaped(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}
std::string show(const ChatFields& f) { return "{type=\"" + escaped(f.type) + "\" you=\"" + escaped(f.you) + "\" from=\"" + escaped(f.from) + "\"}"; }

const std::vector<std::string>& inputs() {
  static const std::vector<std::string> v = {
      R"({"type":"say","text":"hi"})",
      R"({"type":"welcome","you":"Stranger 7f3a"})",
      R"({"type":"said","from":"Stranger 91c2","text":"{\"type\":\"say\"}"})",
      R"({"text":"no type here"})",
      R"({"type":7,"you":null,"from":["a"]})",
      R"({"type":"say","type":"said"})",
      R"({"type":"said","type":3})",
      R"({"meta":{"type":"nested","from":"x"},"type":"said","from":"y"})",
      R"({"a":[{"type":"deep"}],"type":"top"})",
      R"({"type":"caf\u00e9 \ud83d\ude00","from":"a\"b\\c"})",
      "{\"type\":\"\xc3\xa9t\xc3\xa9\"}",
      R"(  {"type" : "spaced"}  )",
      R"({"type":"say"} trailing)",
      R"({"type":"say")",
      R"({"type":"say",})",
      R"("just a string")",
      R"(42)",
      R"(null)",
      "",
      R"([])",
      R"([{"type":"said","from":"A"},{"type":"typing"},{"type":"welcome","you":"B"}])",
      R"([1,"x",null,{"type":"said","from":"A"},[{"type":"inner"}],{"type":"said","from":"C"}])",
      R"([{"type":"said","from":"A","meta":{"from":"not me"}},{"from":"D","type":"said"}])",
      R"([{"type":"said"},)",
      R"([{"type":"said"}] [])",
      R"({"0":[{"type":"said"}]})",
  };
  return v;
}

TEST(VizChatFields, ObjectFieldsMatchTheDom) {
  for (const std::string& in : inputs()) {
    const ChatFields expected = dom_fields(dom(in));
    const ChatFields actual = chat_fields(bytes_of(in));
    EXPECT_EQ(actual, expected) << "input " << escaped(in) << "\n  expected " << show(expected) << "\n  actual   "
                                << show(actual);
  }
}

TEST(VizChatFields, ArrayElementsMatchTheDom) {
  for (const std::string& in : inputs()) {
    const Json j = dom(in);
    std::optional<std::vector<ChatFields>> expected;
    if (j.is_array()) {
      expected.emplace();
      for (const Json& m : j) {
        if (m.is_object()) expected->push_back(dom_fields(m));
      }
    }
    const auto actual = chat_fields_of_array(bytes_of(in));
    ASSERT_EQ(actual.has_value(), expected.has_value()) << "input " << escaped(in) << ": is it an array?";
    if (!expected) continue;
    ASSERT_EQ(actual->size(), expected->size()) << "input " << escaped(in);
    for (std::size_t i = 0; i < expected->size(); ++i) {
      EXPECT_EQ((*actual)[i], (*expected)[i]) << "input " << escaped(in) << " element " << i << "\n  expected "
                                              << show((*expected)[i]) << "\n  actual   " << show((*actual)[i]);
    }
  }
}

}  // namespace
}  // namespace viz
