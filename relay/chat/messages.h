// relay::chat messages: the JSON of relay/README.md "Chat messages", both directions.
// Parsing client input never throws: it gives a ClientMessage or a ChatError
// whose detail tells a student what to change. Building relay messages gives
// compact JSON text with "type" first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace relay::chat {

struct Limits;

enum class ClientType : std::uint8_t { find, join, say, typing, leave };

// One client -> relay message.
struct ClientMessage {
  ClientType type = ClientType::find;
  std::string room;    // join: 1-32 chars of [a-z0-9-_]
  std::string text;    // say: non-empty, at most max_text_bytes UTF-8 bytes
  bool on = false;     // typing
};

// An error answer: code is one of rate_limited, too_long, bad_message, not_paired.
struct ChatError {
  std::string code;
  std::string detail;
};

std::variant<ClientMessage, ChatError> parse_client_message(std::string_view json_text,
                                                            std::size_t max_text_bytes);
bool is_valid_room_name(std::string_view room);

// relay -> client
// conn (when not 0) and bot (when true) are optional fields a client may ignore.
std::string welcome_json(const std::string& you, const Limits& limits, std::uint64_t conn = 0, bool bot = false);
std::string waiting_json();
std::string paired_json(const std::string& peer);
std::string joined_json(const std::string& room, std::size_t members);
std::string said_json(const std::string& from, const std::string& text);
std::string typing_json(const std::string& from, bool on);
std::string left_json(const std::string& who);
std::string error_json(const ChatError& error);

}  // namespace relay::chat
