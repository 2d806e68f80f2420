// libFuzzer target: relay/poll's request handling (paths, query, session
// ids, bodies, addresses) through poll::Desk and Sessions, with the chat
// behind them. Input: lines "<a><METHOD> <target> <body>", a = the client
// address (byte % 4 picks one of four). In a target, "$N" (N a digit) is
// replaced by the N-th session id opened so far, so the fuzzer reaches real
// sessions; a line starting "~" advances the clock a second.
// Checks besides no crash / leak / UB: every answer has a known status and
// a JSON body (or none for 204 and holds); a session is honoured only from
// the address that opened it; per-address and total caps hold; a recv's
// batch is a JSON array.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "relay/chat/service.h"
#include "relay/poll/requests.h"
#include "relay/poll/sessions.h"

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

std::string substitute(std::string_view target, const std::vector<std::string>& ids) {
  std::string out;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (target[i] == '$' && i + 1 < target.size() && target[i + 1] >= '0' && target[i + 1] <= '9') {
      const std::size_t n = static_cast<std::size_t>(target[i + 1] - '0');
      if (n < ids.size()) out += ids[n];
      ++i;
    } else {
      out += target[i];
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace relay;
  const char* const kAddresses[] = {"127.0.0.1", "127.0.0.2", "::1", ""};
  chat::Service service({}, 1, true);
  poll::SessionLimits limits;
  limits.deterministic = true;
  limits.max_sessions = 12;
  limits.max_per_address = 5;
  limits.expiry_us = 3'000'000;
  poll::Sessions sessions(limits);
  poll::Desk desk(sessions, service, 128);
  std::vector<std::string> ids;
  std::vector<std::string> id_address;
  std::int64_t now_us = 1'000'000;

  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (line.empty()) continue;
    if (line[0] == '~') {
      now_us += 1'000'000;
      for (const auto& e : sessions.expire(now_us)) service.disconnect(e.participant);
      continue;
    }
    const std::string_view address = kAddresses[static_cast<unsigned char>(line[0]) % 4];
    line.remove_prefix(1);
    const std::size_t sp1 = line.find(' ');
    const std::string_view method = line.substr(0, sp1);
    const std::string_view after = sp1 == std::string_view::npos ? std::string_view() : line.substr(sp1 + 1);
    const std::size_t sp2 = after.find(' ');
    const std::string target = substitute(after.substr(0, sp2), ids);
    const std::string_view body = sp2 == std::string_view::npos ? std::string_view() : after.substr(sp2 + 1);
    const std::size_t q = target.find('?');
    const std::string_view path = std::string_view(target).substr(0, q);
    const std::string_view query = q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);

    const auto request = poll::parse_request(method, path, query);
    if (!request) continue;
    poll::Answer a;
    switch (request->endpoint) {
      case poll::Endpoint::open: a = desk.open(address, now_us); break;
      case poll::Endpoint::send: a = desk.send(*request, address, body, false, now_us); break;
      case poll::Endpoint::recv: a = desk.recv(*request, address, now_us); break;
    }
    check(a.status == 0 || a.status == 200 || a.status == 204 || a.status == 404 || a.status == 413 ||
          a.status == 429 || a.status == 503);
    if (a.status == 0 || a.status == 204) check(a.body.empty() && a.participant != 0);
    if (!a.body.empty()) check(nlohmann::json::parse(a.body, nullptr, false).is_object());
    if (request->endpoint == poll::Endpoint::open && a.status == 200) {
      const auto j = nlohmann::json::parse(a.body);
      ids.push_back(j["session"].get<std::string>());
      id_address.emplace_back(address);
      check(poll::Sessions::is_well_formed(ids.back()));
    }
    if (request->endpoint != poll::Endpoint::open && a.participant != 0) {
      // Honoured: the id is one this address opened.
      bool mine = false;
      for (std::size_t i = 0; i < ids.size(); ++i) mine = mine || (ids[i] == request->session && id_address[i] == address);
      check(mine);
    }
    if (a.status == 0) {
      const std::string batch = poll::drain_batch(service, a.participant, 4);
      if (!batch.empty()) check(nlohmann::json::parse(batch, nullptr, false).is_array());
    }
    check(sessions.size() <= limits.max_sessions);
    for (const char* addr : kAddresses) check(sessions.count_from(addr) <= limits.max_per_address);
  }
  return 0;
}
