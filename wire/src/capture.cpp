// Capture files: JSON lines, `hello` first (docs/mirror-protocol.md).
#include "wire/capture.h"

#include <fstream>

namespace wire {

Result<std::vector<Event>> read_capture(std::istream& in) {
  std::vector<Event> events;
  std::string line;
  std::size_t line_no = 0;
  std::size_t offset = 0;   // byte offset of the current line in the file
  while (std::getline(in, line)) {
    ++line_no;
    const std::size_t line_offset = offset;
    offset += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();   // tolerate CRLF files
    if (line.find_first_not_of(" \t") == std::string::npos) continue;   // empty lines are ignored
    auto event = parse_event_line(line);
    const std::string where = "line " + std::to_string(line_no) + ": ";
    if (!event) return Error{event.error().rule, where + event.error().reason, line_offset};
    if (events.empty() && !std::holds_alternative<Hello>(event->body)) {
      return Error{"docs/mirror-protocol.md",
                   where + "the first line of a capture must be a \"hello\" event, found \"" +
                       kind_name(event->body) + "\"",
                   line_offset};
    }
    events.push_back(std::move(event).value());
  }
  if (in.bad()) return Error{"capture", "read error after line " + std::to_string(line_no), offset};
  if (events.empty()) return Error{"docs/mirror-protocol.md", "line 1: empty capture, expected a \"hello\" event", 0};
  return events;
}

Result<std::vector<Event>> read_capture_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"capture", "cannot open " + path, 0};
  auto result = read_capture(in);
  if (!result) {
    Error e = result.error();
    e.reason = path + ": " + e.reason;
    return e;
  }
  return result;
}

void write_capture(std::ostream& out, const std::vector<Event>& events) {
  for (const auto& e : events) write_capture_line(out, e);
}

void write_capture_line(std::ostream& out, const Event& event) {
  out << to_json_line(event) << '\n';
}

}  // namespace wire
