// Capture files: mirror events as JSON lines, `hello` first
// (docs/mirror-protocol.md). Written only when an operator asks for one.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "wire/events.h"

namespace wire {

// Reads a whole capture. A bad line is an Error whose reason names the line
// number ("line 7: ...") and whose offset is that line's byte offset.
Result<std::vector<Event>> read_capture(std::istream& in);
Result<std::vector<Event>> read_capture_file(const std::string& path);

// Writes events one per line; the caller puts `hello` first.
void write_capture(std::ostream& out, const std::vector<Event>& events);
// Appends one event and a newline.
void write_capture_line(std::ostream& out, const Event& event);

}  // namespace wire
