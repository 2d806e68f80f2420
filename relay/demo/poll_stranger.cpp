// PollStranger: the long-poll contract of relay/README.md from the client side.
#include "poll_stranger.h"

namespace relay::demo {

namespace {
constexpr const char* kUserAgent = "wirelab-demo/0.1 (stranger B, long-polling)";
}

PollStranger::PollStranger(std::uint16_t port, const std::atomic<bool>& stopping, bool tls)
    : control_(port, kUserAgent, stopping, tls), poller_(port, kUserAgent, stopping, tls) {}

void PollStranger::open(Clock::time_point deadline) {
  const HttpResponse r = control_.exchange("POST", "/poll/open?bot=b", "", true, deadline);
  if (r.status != 200) throw DemoError("POST /poll/open answered " + std::to_string(r.status));
  const auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("session") || !j["session"].is_string()) {
    throw DemoError("POST /poll/open did not answer {\"session\":...}");
  }
  session_ = j["session"].get<std::string>();
  poller_.send_request("GET", "/poll/recv?session=" + session_);
}

void PollStranger::send(std::string_view json_text, Clock::time_point deadline) {
  const HttpResponse r = control_.exchange("POST", "/poll/send?session=" + session_, json_text, true, deadline);
  if (r.status != 204 && r.status != 200) throw DemoError("POST /poll/send answered " + std::to_string(r.status));
}

nlohmann::json PollStranger::expect(std::string_view type, Clock::time_point deadline) {
  for (;;) {
    while (!inbox_.empty()) {
      nlohmann::json j = std::move(inbox_.front());
      inbox_.pop_front();
      if (j.value("type", "") == type) return j;
    }
    const HttpResponse r = poller_.read_response(deadline);
    if (r.status != 200 && r.status != 204) throw DemoError("GET /poll/recv answered " + std::to_string(r.status));
    poller_.send_request("GET", "/poll/recv?session=" + session_);   // the next poll, at once
    if (r.status == 204) continue;                                    // 25 s without news
    const auto list = nlohmann::json::parse(r.body, nullptr, false);
    if (list.is_discarded() || !list.is_array()) throw DemoError("GET /poll/recv did not answer a JSON array");
    for (const auto& m : list) {
      if (m.is_object()) inbox_.push_back(m);
    }
  }
}

void PollStranger::hang_up() {
  poller_.disconnect();
  control_.disconnect();
}

}  // namespace relay::demo
