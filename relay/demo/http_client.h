// relay::demo::HttpClient: one HTTP/1.1 keep-alive connection of stranger B,
// writing ordinary requests and reading the answers with wire::HttpSplitter
// (wire/ is the only protocol code). Opens a fresh connection when the relay
// closed an idle one (lws closes idle HTTP connections after a while).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "connection.h"
#include "wire/http.h"

namespace relay::demo {

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(std::uint16_t port, std::string user_agent, const std::atomic<bool>& stopping, bool tls = false);

  // Writes one request: request line, Host, User-Agent, Accept, and for a
  // body Content-Type: application/json with its Content-Length.
  void send_request(std::string_view method, std::string_view target, std::string_view body = {}, bool has_body = false);
  // Reads the answer to the request sent last. Throws DemoError when the
  // relay closed the connection first or the deadline passes.
  HttpResponse read_response(Clock::time_point deadline);
  // send_request + read_response, once more on a fresh connection if the relay
  // had closed this one while idle (nothing of the answer arrived).
  HttpResponse exchange(std::string_view method, std::string_view target, std::string_view body, bool has_body,
                        Clock::time_point deadline);
  void disconnect();

 private:
  std::uint16_t port_;
  std::string user_agent_;
  const std::atomic<bool>& stopping_;
  bool tls_;
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<wire::HttpSplitter> splitter_;
};

}  // namespace relay::demo
