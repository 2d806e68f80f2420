// wire::query_value (wire/query.h): one argument of a request target's query.
#include "wire/query.h"

#include <gtest/gtest.h>

namespace {

TEST(Query, ReadsTheArgumentOfATarget) {
  EXPECT_EQ(wire::query_value("/poll/recv?session=abc", "session"), "abc");
  EXPECT_EQ(wire::query_value("/poll/send?x=1&session=abc&y=2", "session"), "abc");
}

TEST(Query, AQueryAloneIsReadToo) {
  EXPECT_EQ(wire::query_value("session=abc", "session"), "abc");
  EXPECT_EQ(wire::query_value("xsession=1&session=2", "session"), "2") << "a name is matched whole";
}

TEST(Query, TheFirstArgumentWins) {
  EXPECT_EQ(wire::query_value("/p?session=abc&session=def", "session"), "abc");
}

TEST(Query, MissingOrEmptyIsEmpty) {
  EXPECT_EQ(wire::query_value("/poll/recv", "session"), "");
  EXPECT_EQ(wire::query_value("/poll/recv?", "session"), "");
  EXPECT_EQ(wire::query_value("/poll/recv?session", "session"), "");
  EXPECT_EQ(wire::query_value("/poll/recv?session=", "session"), "");
}

}  // namespace
