// Lab 7 reference solution, part 2: the measurement as JSON (GET /stats).
#include "longpoll.h"

#include <nlohmann/json.hpp>

namespace ws {
namespace {

nlohmann::ordered_json transport_json(const TransportBytes& t) {
  double per_message = t.messages == 0 ? 0.0
                                       : static_cast<double>(t.c2s_bytes + t.s2c_bytes) / static_cast<double>(t.messages);
  return {{"c2s_bytes", t.c2s_bytes}, {"s2c_bytes", t.s2c_bytes}, {"messages", t.messages}, {"bytes_per_message", per_message}};
}

}  // namespace

std::string stats_json(const WireStats& stats) {
  return nlohmann::ordered_json{{"websocket", transport_json(stats.websocket)}, {"long_poll", transport_json(stats.long_poll)}}
      .dump();
}

}  // namespace ws
