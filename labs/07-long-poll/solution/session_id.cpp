// Lab 7 reference solution, part 1: session ids and the query of a request target.
#include "longpoll.h"

#include <sys/random.h>

#include <algorithm>

namespace ws {

std::string new_session_id() {
  unsigned char r[16];
  std::size_t got = 0;
  while (got < sizeof r) {  // the kernel's CSPRNG; only a signal makes it return short
    ssize_t n = getrandom(r + got, sizeof r - got, 0);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  static const char hex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : r) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

bool is_session_id(std::string_view id) {
  return id.size() == 32 &&
         std::all_of(id.begin(), id.end(), [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
}

std::string query_arg(std::string_view target, std::string_view name) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    std::string_view arg = query.substr(0, query.find('&'));
    if (arg.size() > name.size() && arg.substr(0, name.size()) == name && arg[name.size()] == '=') {
      return std::string(arg.substr(name.size() + 1));
    }
    if (arg.size() == query.size()) break;
    query.remove_prefix(arg.size() + 1);
  }
  return "";
}

}  // namespace ws
