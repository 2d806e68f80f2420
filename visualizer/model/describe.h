// One-line descriptions of entries for lists, lanes and search, and the
// event-list filters. GL-free (tested in tests/visualizer/model_test.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace viz {

// "GET /chat", "101 Switching Protocols", "text “Hello” · masked", "close 1000 Normal Closure",
// "⚠ RFC 6455 5.1: client frames must be masked → closed 1002", "Stranger 7f3a paired with Stranger 91c2".
std::string describe(const Entry& e, std::size_t max_preview = 40);
// A short label for an arrow: "GET /chat", "101", "text “Hello”", "ping", "close 1000".
std::string arrow_label(const Entry& e, std::size_t max_preview = 24);
// The chat words in a chat message (relay/README.md "Chat messages"), JSON
// syntax elided, the text itself kept: {"type":"say","text":"hi"} -> say “hi”;
// a long-poll batch [..., ...] -> its messages joined by " · ". The text is cut
// at max_chars with …; bytes that are not a chat message: nullopt.
std::optional<std::string> chat_words(std::string_view json_text, std::size_t max_chars);
// A header's value as the screen shows it: a credential the relay blanked (Cookie, Authorization)
// says its label instead of its stars, "Bearer [credential #2: 24 bytes]"; other values unchanged.
// `credential` counts the credential fields met so far in this message (start at 0, in header order).
std::string shown_header_value(const wire::Http& h, const std::string& name, const std::string& value,
                               std::size_t& credential);
// Printable preview of payload bytes: UTF-8 kept, control bytes as ·, cut with … after max chars.
std::string preview_text(const wire::Bytes& bytes, std::size_t max_chars);

struct ListFilter {
  bool data = true;        // text and binary frames
  bool control = true;     // ping, pong, close
  bool http = true;        // HTTP messages
  bool events = true;      // the relay's own account: open, close, chat, hello, dropped
  bool violations_only = false;
  std::string search;      // case-insensitive substring of describe()
};
bool passes(const ListFilter& f, const Entry& e);
bool contains_ci(std::string_view haystack, std::string_view needle);

}  // namespace viz
