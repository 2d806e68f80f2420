#include "wire/query.h"

namespace wire {

std::string query_value(std::string_view target, std::string_view name) {
  // RFC 3986 3.4: the query starts after the first "?"; without one, target is the query itself.
  if (const std::size_t q = target.find('?'); q != std::string_view::npos) target.remove_prefix(q + 1);
  while (!target.empty()) {
    const std::size_t amp = target.find('&');
    const std::string_view arg = target.substr(0, amp);
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
      return std::string(arg.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    target.remove_prefix(amp + 1);
  }
  return {};
}

}  // namespace wire
