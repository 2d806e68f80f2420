// HttpClient: requests written by hand (they are the demo's own), responses
// cut by wire::HttpSplitter, bodies taken by their Content-Length.
#include "http_client.h"

#include <array>
#include <variant>

namespace relay::demo {

HttpClient::HttpClient(std::uint16_t port, std::string user_agent, const std::atomic<bool>& stopping, bool tls)
    : port_(port), user_agent_(std::move(user_agent)), stopping_(stopping), tls_(tls) {}

void HttpClient::disconnect() {
  conn_.reset();
  splitter_.reset();
}

void HttpClient::send_request(std::string_view method, std::string_view target, std::string_view body, bool has_body) {
  if (!conn_) {
    conn_ = std::make_unique<Connection>(port_, stopping_, tls_);
    splitter_ = std::make_unique<wire::HttpSplitter>();
  }
  std::string req;
  req.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  req += "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  req += "User-Agent: " + user_agent_ + "\r\n";
  req += "Accept: application/json\r\n";
  if (has_body) {
    req += "Content-Type: application/json\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n";
  req.append(body);
  conn_->write_all(req);
  // The splitter pairs each response with its request (a HEAD or a 101 changes how it reads).
  splitter_->feed(wire::Direction::c2s, std::span(reinterpret_cast<const std::uint8_t*>(req.data()), req.size()));
}

HttpResponse HttpClient::read_response(Clock::time_point deadline) {
  if (!conn_) throw DemoError("no request outstanding");
  std::array<std::uint8_t, 16 * 1024> buf{};
  for (;;) {
    const std::size_t n = conn_->read_some(buf, deadline);
    wire::HttpFeed fed = n == 0 ? splitter_->finish(wire::Direction::s2c)
                                : splitter_->feed(wire::Direction::s2c, std::span(buf.data(), n));
    for (auto& unit : fed.units) {
      if (const auto* raw = std::get_if<wire::Raw>(&unit)) {
        disconnect();
        throw DemoError("the relay's answer did not parse as HTTP/1.1: " + raw->why);
      }
      const auto& http = std::get<wire::Http>(unit);
      if (http.dir != wire::Direction::s2c) continue;
      const auto status = wire::parse_status_line(http.start_line);
      if (!status) {
        disconnect();
        throw DemoError("bad status line from the relay");
      }
      if (wire::header_has_token(http.headers, "Transfer-Encoding", "chunked")) {
        disconnect();
        throw DemoError("the demo expects Content-Length bodies, got a chunked answer");
      }
      HttpResponse r;
      r.status = status->status;
      const std::size_t body_len = static_cast<std::size_t>(http.body_len);
      if (body_len <= http.bytes.size()) {
        r.body.assign(reinterpret_cast<const char*>(http.bytes.data()) + http.bytes.size() - body_len, body_len);
      }
      if (wire::header_has_token(http.headers, "Connection", "close")) disconnect();
      return r;
    }
    if (n == 0) {
      disconnect();
      throw DemoError("the relay closed the HTTP connection before answering");
    }
  }
}

HttpResponse HttpClient::exchange(std::string_view method, std::string_view target, std::string_view body, bool has_body,
                                  Clock::time_point deadline) {
  const bool reused = conn_ != nullptr;
  try {
    send_request(method, target, body, has_body);
    return read_response(deadline);
  } catch (const DemoError&) {
    if (!reused) throw;   // a fresh connection failed: the relay is really gone
  }
  // The relay had closed the kept-alive connection while it was idle (lws does after a few
  // seconds): like a browser, try once more on a new one.
  disconnect();
  send_request(method, target, body, has_body);
  return read_response(deadline);
}

}  // namespace relay::demo
