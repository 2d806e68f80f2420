// How lab 1's types print in a transcript. Inline, in a header, so that later labs' graders (linked
// into the same program by a regression run) can include it without defining the functions twice.
#pragma once

#include "upgrade.h"

#include <string>

namespace ws {
inline std::string describe(ParseStatus s) {
  switch (s) {
    case ParseStatus::complete: return "complete";
    case ParseStatus::need_more: return "need_more";
    case ParseStatus::invalid: return "invalid";
  }
  return "ParseStatus(" + std::to_string(static_cast<int>(s)) + ")";
}
}  // namespace ws
