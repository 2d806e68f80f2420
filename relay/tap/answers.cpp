// The tap's own words (answers.h).
#include "relay/tap/answers.h"

#include <algorithm>
#include <functional>

#include <fmt/core.h>

#include "wire/close_code.h"
#include "wire/frame.h"

namespace relay {

wire::Bytes close_frame_for(const TapVerdict& v) {
  const std::string reason = v.rule.substr(0, v.rule.find(':'));   // "RFC 6455 5.1"
  return wire::encode_server_frame(wire::Opcode::close, wire::encode_close_payload(v.close_code, reason));
}

std::vector<std::uint64_t> holders_to_cut(std::vector<std::pair<std::size_t, std::uint64_t>> holders,
                                          std::size_t total, std::size_t budget) {
  std::vector<std::uint64_t> cut;
  if (total <= budget) return cut;
  std::sort(holders.begin(), holders.end(), std::greater<>());
  for (const auto& [held, id] : holders) {
    if (total <= budget / 4 * 3) break;
    cut.push_back(id);
    total -= std::min(total, held);
  }
  return cut;
}

TapVerdict budget_cut(std::size_t held, std::size_t budget) {
  TapVerdict v;
  v.close = true;
  v.close_code = 1013;
  v.rule = fmt::format("relay limit: {} bytes queued for this connection while the relay holds more than "
                       "--max-queued-bytes {}",
                       held, budget);
  return v;
}

std::string stalled_rule(int stall_secs) {
  return fmt::format("relay limit: the client took no byte for {} s (--stall-secs)", stall_secs);
}

wire::Close close_event(std::uint64_t conn, const TapStream& stream, wire::ClosedBy hung_up_first) {
  wire::Close ev;
  ev.conn = conn;
  if (const auto& fc = stream.first_close()) {
    ev.by = fc->by;
    ev.code = fc->code;
    ev.reason = fc->reason;
  } else {
    ev.by = hung_up_first;
  }
  return ev;
}

}  // namespace relay
