// The Polling scene's model (visualizer/teach/extrapolation.h): arithmetic
// from measured sizes, and the classic 871-byte figure of Lubbers & Greco.
#include <gtest/gtest.h>

#include "teach/extrapolation.h"

using namespace viz::teach;

TEST(TeachExtrapolation, ScalesMeasuredCostByClientsAndRate) {
  const MessageCost cost{600.0, 80.0, 2.0};   // e.g. long-poll: two heads of 300 B, 80 B of JSON
  const Load load{1000, 6.0};                 // 1000 clients, 6 messages a minute each = 100 msg/s
  EXPECT_DOUBLE_EQ(load.messages_per_second(), 100.0);
  const Throughput t = extrapolate(cost, load);
  EXPECT_DOUBLE_EQ(t.bytes_per_second, 68'000.0);
  EXPECT_DOUBLE_EQ(t.header_bytes_per_second, 60'000.0);
  EXPECT_DOUBLE_EQ(t.requests_per_second, 200.0);
  EXPECT_DOUBLE_EQ(t.bits_per_second(), 544'000.0);
}

TEST(TeachExtrapolation, ClassicFigureMatchesThePaper) {
  // Lubbers & Greco: 1,000 / 10,000 / 100,000 clients polling every second -> 6.6 / 66 / 665 Mbps.
  EXPECT_NEAR(classic_table_mbps(1'000), 6.6, 0.05);
  EXPECT_NEAR(classic_table_mbps(10'000), 66.5, 0.05);
  EXPECT_NEAR(classic_table_mbps(100'000), 664.6, 0.1);
  const Load once_a_second{1000, 60.0};
  EXPECT_DOUBLE_EQ(classic_polling(once_a_second).bytes_per_second, 871'000.0);
  EXPECT_DOUBLE_EQ(classic_websocket(once_a_second).bytes_per_second, 2'000.0);
}

TEST(TeachExtrapolation, ZeroLoadIsZero) {
  EXPECT_DOUBLE_EQ(extrapolate({100.0, 10.0, 1.0}, {0, 10.0}).bytes_per_second, 0.0);
}

TEST(TeachExtrapolation, FormatsForTheRoom) {
  char buf[32];
  EXPECT_STREQ(format_bytes(871.0, buf, sizeof buf), "871 B");
  EXPECT_STREQ(format_bytes(12'400.0, buf, sizeof buf), "12.4 KB");
  EXPECT_STREQ(format_bits_per_second(6'968'000.0, buf, sizeof buf), "6.97 Mbit/s");
}
