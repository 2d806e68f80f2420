// Private helper for the JSON form of events: UTF-8 clean-up for text copied
// from the wire (byte fields use wire/base64.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wire::detail {

// Text fields copied from the wire (start lines, header values, close
// reasons) may hold any bytes; JSON strings must be UTF-8. Each byte that does
// not start a valid sequence becomes U+FFFD (the exact bytes stay in `bytes`).
std::string valid_utf8_or_replaced(std::string_view text);

}  // namespace wire::detail
