// The three fields of a chat message that the statistics read (`type`,
// `you`, `from`; docs/mirror-protocol.md), from one JSON object or from each
// object of a JSON array (a long-poll answer), without building a document:
// nlohmann's SAX interface, so message text is neither stored nor copied
// (DESIGN 2), and a frame costs no allocation per JSON value. Answers as the
// DOM would: strict JSON, the last of duplicate keys wins, a value that is
// not a string reads as "".
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace viz {

struct ChatFields {
  std::string type, you, from;   // "" when absent or not a string
  bool operator==(const ChatFields&) const = default;
};

// A JSON object's fields; all "" when the bytes are not one JSON object.
ChatFields chat_fields(std::span<const std::uint8_t> bytes);
// Each object of a JSON array, in order (other elements skipped); nullopt when
// the bytes are not one JSON array.
std::optional<std::vector<ChatFields>> chat_fields_of_array(std::span<const std::uint8_t> bytes);

}  // namespace viz
