// Lab 8 reference solution: what the server asks of JSON, kept in welcome.cpp so that survive_server.cpp
// (the file most edits touch) compiles without nlohmann/json, in about a tenth of the time.
#pragma once

#include <string_view>

namespace ws::lab8 {

// True for a chat message whose "type" is "say" (lab 7's count of messages per transport).
bool is_say(std::string_view text);

}  // namespace ws::lab8
