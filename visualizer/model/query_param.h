// The value of one parameter in an HTTP request target's query
// (`/poll/recv?session=...` -> the session), or "" when it is not there.
// The model (a poll session's requests) and the Polling scene's stats both
// read it from request lines of the mirror.
#pragma once

#include <string>
#include <string_view>

namespace viz {

inline std::string query_param(std::string_view target, std::string_view name) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view kv = rest.substr(0, amp);
    if (kv.size() > name.size() && kv.substr(0, name.size()) == name && kv[name.size()] == '=') {
      return std::string(kv.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return {};
}

}  // namespace viz
