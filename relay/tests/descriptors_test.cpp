// The lws log gate and the descriptor limit given to lws (issue 17 item 6,
// issue 10): accept failures at machine speed become one line a second with a
// count; lws's table keeps a reserve below the limit, which the relay raises.
#include "relay/descriptors.h"

#include <algorithm>

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

TEST(LwsLogGate, ConnectionsPastTheTableAreRefusedCountedAndNameTheLimit) {
  set_lws_table(96);
  EXPECT_FALSE(fits_lws_table(200)) << "refused before the gate was made: not its to count";
  LwsLogGate gate;
  EXPECT_TRUE(fits_lws_table(95));
  for (int i = 0; i < 500; ++i) EXPECT_FALSE(fits_lws_table(96 + i % 3));
  EXPECT_EQ(gate.accept_errors(), 500U) << "the metric counts connections not taken";
  const std::string s = gate.summary(1'000'000);
  EXPECT_NE(s.find("refused 500 connections"), std::string::npos) << s;
  EXPECT_NE(s.find("table of 96 descriptors is full"), std::string::npos) << s;
  EXPECT_NE(s.find("ulimit -n"), std::string::npos) << s;
  EXPECT_EQ(gate.summary(2'100'000), "") << "nothing new, nothing said";
  set_lws_table(0);
  EXPECT_TRUE(fits_lws_table(100'000)) << "before the context: everything fits";
}

TEST(Descriptors, LwsTableLeavesAReserve) {
  EXPECT_EQ(lws_table_size(256), 224U);
  EXPECT_EQ(lws_table_size(20'000), 19'968U);
  EXPECT_EQ(lws_table_size(40), 20U) << "tiny limits: half";
  EXPECT_GT(open_descriptors(), 2U);
  EXPECT_GT(descriptor_limit(), 0U);
}

// lws sizes its table from the soft limit (sysconf(_SC_OPEN_MAX)) while the
// scope lives; the relay's limit comes back after it.
TEST(Descriptors, TheTableScopeHoldsTheSoftLimitBelowThenPutsItBack) {
  const std::size_t limit = descriptor_limit();
  {
    const LwsTableScope scope;
    EXPECT_EQ(scope.table(), lws_table_size(limit));
    EXPECT_EQ(descriptor_limit(), lws_table_size(limit));
  }
  EXPECT_EQ(descriptor_limit(), limit);
}

TEST(Descriptors, TheSoftLimitIsRaisedToTheHardLimitCapped) {
  const RaisedLimit r = raise_descriptor_limit();
  EXPECT_GE(r.now, r.before) << "never lowered";
  EXPECT_EQ(r.now, std::min(r.hard, kMaxDescriptors)) << "before " << r.before << ", hard " << r.hard;
  EXPECT_EQ(descriptor_limit(), r.now);
}

}  // namespace
}  // namespace relay
