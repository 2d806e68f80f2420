// The lws log gate and the descriptor limit given to lws (issue 17 item 6):
// accept failures at machine speed become one line a second with a count.
#include "relay/descriptors.h"

#include <gtest/gtest.h>

namespace relay {
namespace {

TEST(LwsLogGate, AcceptErrorsAreCountedAndSummarisedOnceASecond) {
  LwsLogGate gate;
  for (int i = 0; i < 100'000; ++i) EXPECT_FALSE(gate.admit("accept: errno 24\n", i));
  EXPECT_EQ(gate.accept_errors(), 100'000U);
  const std::string first = gate.summary(1'000'000);
  EXPECT_NE(first.find("accept failed 100000 times"), std::string::npos) << first;
  EXPECT_EQ(gate.summary(1'500'000), "") << "at most one summary a second";
  EXPECT_EQ(gate.summary(2'100'000), "") << "nothing new, nothing said";
}

TEST(LwsLogGate, RepeatedLinesAreHeldBackOtherLinesPass) {
  LwsLogGate gate;
  EXPECT_TRUE(gate.admit("no space for new conn\n", 0));
  for (int i = 0; i < 50; ++i) EXPECT_FALSE(gate.admit("no space for new conn\n", 0));
  EXPECT_TRUE(gate.admit("something else\n", 0));
  const std::string s = gate.summary(1'000'000);
  EXPECT_NE(s.find("50 repeated"), std::string::npos) << s;
  EXPECT_TRUE(gate.admit("no space for new conn\n", 1'000'001)) << "a new second prints it again";
}

TEST(Descriptors, LwsLimitLeavesAReserve) {
  EXPECT_EQ(lws_fd_limit(256), 224U);
  EXPECT_EQ(lws_fd_limit(1024), 992U);
  EXPECT_EQ(lws_fd_limit(1U << 20), (1U << 16) - 32) << "huge limits are capped so lws's tables stay small";
  EXPECT_GT(lws_fd_limit(40), 0U);
  EXPECT_GT(open_descriptors(), 2U);
  EXPECT_GT(descriptor_limit(), 0U);
}

}  // namespace
}  // namespace relay
