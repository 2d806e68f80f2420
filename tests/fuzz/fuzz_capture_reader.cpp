// libFuzzer target: the capture reader (JSON lines, hello first) on any
// bytes. A capture that reads must write back to lines that read the same.
#include <sstream>
#include <string>

#include "wire/capture.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  auto events = wire::read_capture(in);
  if (!events) return 0;
  std::stringstream out;
  wire::write_capture(out, *events);
  auto again = wire::read_capture(out);
  if (!again || again->size() != events->size()) __builtin_trap();
  for (std::size_t i = 0; i < events->size(); ++i) {
    if (wire::to_json_line((*events)[i]) != wire::to_json_line((*again)[i])) __builtin_trap();
  }
  return 0;
}
