// The Polling scene's extrapolation arithmetic (a model, labelled as one).
#include "teach/extrapolation.h"

#include <cstdio>

namespace viz::teach {

Throughput extrapolate(const MessageCost& cost, const Load& load) {
  const double mps = load.messages_per_second();
  Throughput t;
  t.bytes_per_second = mps * cost.total_bytes();
  t.header_bytes_per_second = mps * cost.header_bytes;
  t.requests_per_second = mps * cost.requests;
  return t;
}

Throughput classic_polling(const Load& load) {
  return extrapolate(MessageCost{kClassicPollHeaderBytes, 0.0, 1.0}, load);
}

Throughput classic_websocket(const Load& load) {
  return extrapolate(MessageCost{kClassicWsFrameBytes, 0.0, 0.0}, load);
}

double classic_table_mbps(std::uint32_t clients_polling_once_a_second) {
  return clients_polling_once_a_second * kClassicPollHeaderBytes * 8.0 / (1024.0 * 1024.0);
}

const char* format_bytes(double bytes, char* buf, int size) {
  const auto n = static_cast<std::size_t>(size);
  if (bytes < 1000.0) {
    std::snprintf(buf, n, "%.0f B", bytes);
  } else if (bytes < 1e6) {
    std::snprintf(buf, n, "%.1f KB", bytes / 1e3);
  } else if (bytes < 1e9) {
    std::snprintf(buf, n, "%.1f MB", bytes / 1e6);
  } else {
    std::snprintf(buf, n, "%.2f GB", bytes / 1e9);
  }
  return buf;
}

const char* format_bits_per_second(double bits, char* buf, int size) {
  const auto n = static_cast<std::size_t>(size);
  if (bits < 1e3) {
    std::snprintf(buf, n, "%.0f bit/s", bits);
  } else if (bits < 1e6) {
    std::snprintf(buf, n, "%.1f kbit/s", bits / 1e3);
  } else if (bits < 1e9) {
    std::snprintf(buf, n, "%.2f Mbit/s", bits / 1e6);
  } else {
    std::snprintf(buf, n, "%.2f Gbit/s", bits / 1e9);
  }
  return buf;
}

}  // namespace viz::teach
