// Lab 8 reference solution, part 2: the welcome tells the client the keepalive it can expect. (The only
// file of this lab that reads JSON: the server's own file stays quick to compile.)
#include "say.h"
#include "survive.h"

#include <nlohmann/json.hpp>

namespace ws {

std::string welcome_with_keepalive(std::string_view welcome_json, const SurviveOptions& options) {
  auto j = nlohmann::ordered_json::parse(welcome_json.begin(), welcome_json.end(), nullptr, false);
  if (!j.is_object() || !j.contains("type") || j["type"] != "welcome") return std::string(welcome_json);
  if (!j.contains("limits") || !j["limits"].is_object()) j["limits"] = nlohmann::ordered_json::object();
  j["limits"]["ping_after_s"] = static_cast<double>(options.ping_after_ms) / 1000;
  j["limits"]["pong_within_s"] = static_cast<double>(options.pong_within_ms) / 1000;
  return j.dump();
}

}  // namespace ws

namespace ws::lab8 {

bool is_say(std::string_view text) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  return j.is_object() && j.contains("type") && j["type"] == "say";
}

}  // namespace ws::lab8
