// relay logs (fmt, stderr): connection ids and counts only. Never chat text,
// never addresses (transit without storage; anonymous). info = default, detail = -v.
#pragma once

#include <cstdio>
#include <utility>

#include <fmt/core.h>

namespace relay::log {

inline int& verbosity() {
  static int v = 0;
  return v;
}

template <class... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  fmt::print(stderr, "wirelab-relay: {}\n", fmt::format(f, std::forward<Args>(args)...));
}

template <class... Args>
void detail(fmt::format_string<Args...> f, Args&&... args) {
  if (verbosity() >= 1) info(f, std::forward<Args>(args)...);
}

}  // namespace relay::log
