// relay::chat messages: the relay -> client JSON is exactly relay/README.md's, "type" first.
#include "relay/chat/messages.h"

#include <gtest/gtest.h>

#include "relay/chat/service.h"

namespace relay::chat {
namespace {

TEST(ChatMessages, RelayMessagesAreExactlyTheContract) {
  EXPECT_EQ(waiting_json(), R"({"type":"waiting"})");
  EXPECT_EQ(paired_json("Stranger 91c2"), R"({"type":"paired","peer":"Stranger 91c2"})");
  EXPECT_EQ(joined_json("cs101", 3), R"({"type":"joined","room":"cs101","members":3})");
  EXPECT_EQ(said_json("Stranger 91c2", "hi \"you\"\n"), R"({"type":"said","from":"Stranger 91c2","text":"hi \"you\"\n"})");
  EXPECT_EQ(typing_json("Stranger 91c2", true), R"({"type":"typing","from":"Stranger 91c2","on":true})");
  EXPECT_EQ(left_json("Stranger 91c2"), R"({"type":"left","who":"Stranger 91c2"})");
  EXPECT_EQ(error_json({"too_long", "x"}), R"({"type":"error","code":"too_long","detail":"x"})");
}

TEST(ChatMessages, NumberTooLargeIsBadMessageNotACrash) {
  // Found by fuzz_poll_requests: nlohmann throws out_of_range (not
  // parse_error) for 9e999, and the relay ended on the uncaught exception.
  for (const char* text : {R"({"type":"find","n":9e999})", R"({"type":9e359})", R"([-1e400])"}) {
    const auto parsed = parse_client_message(text, 2000);
    ASSERT_TRUE(std::holds_alternative<ChatError>(parsed)) << text;
    EXPECT_EQ(std::get<ChatError>(parsed).code, "bad_message") << text;
    EXPECT_FALSE(std::get<ChatError>(parsed).detail.empty()) << text;
  }
}

TEST(ChatMessages, WelcomeCarriesTheLimits) {
  Limits limits;
  EXPECT_EQ(welcome_json("Stranger 7f3a", limits),
            R"({"type":"welcome","you":"Stranger 7f3a","limits":{"max_text_bytes":2000,"rate_per_s":10,"burst":20}})");
  limits.rate_per_s = 2.5;
  EXPECT_EQ(welcome_json("Stranger 7f3a", limits),
            R"({"type":"welcome","you":"Stranger 7f3a","limits":{"max_text_bytes":2000,"rate_per_s":2.5,"burst":20}})");
}

TEST(ChatMessages, ParsesEveryClientType) {
  auto m = parse_client_message(R"({"type":"join","room":"cs101"})", 100);
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(m));
  EXPECT_EQ(std::get<ClientMessage>(m).type, ClientType::join);
  EXPECT_EQ(std::get<ClientMessage>(m).room, "cs101");
  m = parse_client_message(R"({"type":"typing","on":true})", 100);
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(m));
  EXPECT_TRUE(std::get<ClientMessage>(m).on);
  m = parse_client_message(R"( {"type":"leave"} )", 100);
  ASSERT_TRUE(std::holds_alternative<ClientMessage>(m));
  EXPECT_EQ(std::get<ClientMessage>(m).type, ClientType::leave);
}

TEST(ChatMessages, UnknownTypeIsCutAndEscapedInTheDetail) {
  const auto m = parse_client_message(R"({"type":"\u0001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})", 100);
  ASSERT_TRUE(std::holds_alternative<ChatError>(m));
  const auto& e = std::get<ChatError>(m);
  EXPECT_EQ(e.code, "bad_message");
  EXPECT_EQ(e.detail.find('\x01'), std::string::npos) << e.detail;
  EXPECT_LT(e.detail.size(), 140U) << e.detail;
}

}  // namespace
}  // namespace relay::chat
