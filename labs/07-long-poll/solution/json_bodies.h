// Lab 7 reference solution: the server's few JSON needs, kept in json_bodies.cpp so that poll_server.cpp
// (the file most edits touch) compiles without nlohmann/json, in a fraction of the time.
#pragma once

#include <string>
#include <string_view>

namespace ws::lab7 {

// True for a chat message whose "type" is "say" (what the byte counts count per transport).
bool is_say(std::string_view text);
// {"error":CODE,"detail":DETAIL}: the body of a 4xx/5xx answer.
std::string error_body(const char* code, const std::string& detail);
// {"session":ID}: POST /poll/open's answer.
std::string session_body(const std::string& id);

}  // namespace ws::lab7
