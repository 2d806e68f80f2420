// relay::demo::PollStranger: stranger B, a long-polling client (relay/README.md "Endpoints"):
// POST /poll/open -> session; POST /poll/send?session=S with one message; and
// GET /poll/recv?session=S held by the relay until there is news (or 25 s).
// Like a browser it keeps two connections: one for the held GET, one for the
// rest, so a send never waits behind a held poll.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "connection.h"
#include "http_client.h"

namespace relay::demo {

class PollStranger {
 public:
  PollStranger(std::uint16_t port, const std::atomic<bool>& stopping, bool tls = false);

  // POST /poll/open; then the first GET /poll/recv is put on the wire.
  void open(Clock::time_point deadline);
  // POST /poll/send with one client message; expects 204.
  void send(std::string_view json_text, Clock::time_point deadline);
  // The next message of this type, skipping others. Reading a held GET's
  // answer puts the next GET on the wire at once, as a browser would.
  nlohmann::json expect(std::string_view type, Clock::time_point deadline);
  // Stops polling: both connections close (the relay ends the session later).
  void hang_up();
  const std::string& session() const { return session_; }

 private:
  HttpClient control_;     // open and send
  HttpClient poller_;      // the held GET
  std::string session_;
  std::deque<nlohmann::json> inbox_;
};

}  // namespace relay::demo
