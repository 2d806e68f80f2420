// The visualizer's one socket ("the visualizer never touches a socket
// except its one mirror client"): a libwebsockets client on its own worker
// thread that subscribes to ws://HOST:PORT/PATH, parses each text message as a
// mirror event (wire::parse_event_line) and pushes it into the Inbox. When the
// relay goes away it retries with backoff (0.25 s doubling to 2 s) for ever.
//
// Threading (docs/platform.md, "Threads"): the lws context is created, serviced and destroyed
// on the worker; the only call made from another thread is lws_cancel_service().
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "model/inbox.h"

namespace viz {

struct WsUrl {
  std::string host;       // "127.0.0.1"
  int port = 80;
  std::string path;       // "/mirror"
};
// ws://host[:port][/path]; wss:// and anything else are refused (loopback teaching tool).
std::optional<WsUrl> parse_ws_url(const std::string& url);

enum class MirrorState : std::uint8_t { connecting, connected, retrying, stopped };
const char* mirror_state_name(MirrorState s);   // "connecting", "connected", "reconnecting", "stopped"

class MirrorClient {
 public:
  MirrorClient(WsUrl url, Inbox& inbox);
  ~MirrorClient();   // stops and joins the worker
  MirrorClient(const MirrorClient&) = delete;
  MirrorClient& operator=(const MirrorClient&) = delete;

  void start();
  void stop();

  MirrorState state() const { return state_.load(); }
  std::string last_error() const;                  // "connection refused", "" when none
  double retry_in_s() const { return retry_in_s_.load(); }
  std::uint64_t messages() const { return messages_.load(); }        // events received
  std::uint64_t bad_messages() const { return bad_messages_.load(); } // not a mirror event (counted, skipped)
  std::uint64_t connects() const { return connects_.load(); }         // successful connections so far

 private:
  struct Worker;                 // lws context and callbacks (mirror_client.cpp)
  void run();

  WsUrl url_;
  Inbox& inbox_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex context_mu_;                 // guards context_ between stop() and the worker's teardown
  void* context_ = nullptr;               // for lws_cancel_service() only
  std::atomic<MirrorState> state_{MirrorState::stopped};
  std::atomic<double> retry_in_s_{0.0};
  std::atomic<std::uint64_t> messages_{0}, bad_messages_{0}, connects_{0};
  mutable std::mutex error_mu_;
  std::string last_error_;
  friend struct Worker;
};

}  // namespace viz
