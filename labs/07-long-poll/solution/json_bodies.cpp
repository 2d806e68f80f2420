// Lab 7 reference solution: JSON with nlohmann-json (Debian's nlohmann-json3-dev), parsing without exceptions.
#include "json_bodies.h"

#include <nlohmann/json.hpp>

namespace ws::lab7 {

bool is_say(std::string_view text) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  return j.is_object() && j.contains("type") && j["type"] == "say";
}

std::string error_body(const char* code, const std::string& detail) {
  return nlohmann::ordered_json{{"error", code}, {"detail", detail}}.dump();
}

std::string session_body(const std::string& id) { return nlohmann::json{{"session", id}}.dump(); }

}  // namespace ws::lab7
