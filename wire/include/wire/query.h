// The query of an HTTP request target (RFC 3986 3.4: what follows the first
// "?", arguments separated by "&"): one argument's value by name. The relay
// reads the long-poll session from it (relay/poll), the visualizer the same
// from the request lines it is shown (visualizer/model).
#pragma once

#include <string>
#include <string_view>

namespace wire {

// The value of the first "NAME=" argument, "" when there is none (or it is
// empty). `target` is a request target ("/poll/recv?session=ID") or a query
// alone ("a=1&session=ID"); no percent-decoding (the relay's ids need none).
std::string query_value(std::string_view target, std::string_view name);

}  // namespace wire
