// The subcommands of wirelab-inspect. Each writes its report to `out`
// (text for people, or one JSON document with --json) and returns the exit code.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "wire/events.h"

namespace inspect {

enum ExitCode : int {
  kOk = 0,            // all fine
  kBrokenRule = 1,    // the input breaks an RFC rule (the report names it)
  kUsage = 2,         // the command line or input could not be read
  kIncomplete = 3,    // frame: the bytes end before the frame does
};

struct AcceptOptions {
  std::string key;      // Sec-WebSocket-Key as sent
  bool explain = false;
  bool json = false;
};
int run_accept(const AcceptOptions& o, std::ostream& out, std::ostream& err);

struct FrameOptions {
  std::vector<std::string> hex;   // joined: the frame bytes in hex
  std::string from = "auto";      // "client", "server" or "auto" (masked = from a client)
  bool deflate = false;           // permessage-deflate negotiated: RSV1 allowed (RFC 7692)
  bool full = false;              // do not cut long payloads at 64 bytes
  bool json = false;
};
int run_frame(const FrameOptions& o, std::ostream& out, std::ostream& err);

struct CaptureOptions {
  std::string file;
  std::string pcapng_out;         // "" = do not convert
  bool stats = false;             // the figures a lecture quotes instead of the event list (stats.cpp)
  bool json = false;
};
int run_capture(const CaptureOptions& o, std::ostream& out, std::ostream& err);
// capture --stats (stats.cpp): the figures of a capture already read.
int print_capture_stats(const CaptureOptions& o, const std::vector<wire::Event>& events, std::ostream& out);

}  // namespace inspect
