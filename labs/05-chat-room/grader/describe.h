// How the lab 5 and 6 graders print chat messages in "expected X, actual Y" (found by ADL from grade::show).
// Inline, in nlohmann's namespace (where the json type lives), so both labs' graders can include it.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nlohmann {

inline std::string describe(const std::vector<json>& messages) {
  if (messages.empty()) return "(no message)";
  std::string text;
  for (const auto& m : messages) text += (text.empty() ? "" : ", ") + m.dump();
  return text;
}

}  // namespace nlohmann
