// The lab 7 grader's side: the student's run_poll_server in a thread, and a plain HTTP/1.1 client (one
// keep-alive TCP connection) that speaks the long-poll surface and counts every byte it sends and receives.
// WebSocket strangers are lab 5's chatgrade::Client. Every wait is bounded.
#pragma once

#include "../../05-chat-room/grader/chat_client.h"
#include "longpoll.h"
#include "strangers.h"

#include <map>

namespace lab7 {

using chatgrade::Bytes;
using chatgrade::Clock;
using chatgrade::json;
using Ms = std::chrono::milliseconds;

// The student's run_poll_server with their Strangers, in a thread; stopped and joined when the test ends.
class PollServer {
 public:
  explicit PollServer(ws::PollOptions options) : options_(std::move(options)) {
    listen_fd_ = chatgrade::listen_any(&port_);
    thread_ = std::thread([this] { ws::run_poll_server(listen_fd_, stop_, strangers_, options_); });
  }
  ~PollServer() {
    stop_ = true;
    thread_.join();  // a server that never returns is a timed-out test
    close(listen_fd_);
  }
  int port() const { return port_; }

 private:
  ws::PollOptions options_;
  ws::Strangers strangers_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Options for a test: hold_ms as given, the rest as the contract's defaults.
inline ws::PollOptions options(ws::Millis hold_ms, ws::Millis expiry_ms = 60000) {
  ws::PollOptions o;
  o.hold_ms = hold_ms;
  o.expiry_ms = expiry_ms;
  return o;
}

// Session ids are random: the transcript names them by the order they were given ("<session 1>"; in
// capitals "<SESSION 1>"), so that the same code gets the same transcript every time.
inline std::vector<std::string>& seen_ids() {
  static std::vector<std::string> ids;
  return ids;
}
inline std::string mask_ids(std::string text) {
  for (std::size_t i = 0; i < seen_ids().size(); ++i) {
    std::string id = seen_ids()[i], upper = id;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    for (const auto& [from, to] : {std::pair{id, "<session " + std::to_string(i + 1) + ">"},
                                   std::pair{upper, "<SESSION " + std::to_string(i + 1) + ">"}}) {
      for (std::size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
    }
  }
  return text;
}

struct HttpResponse {
  int status = 0;                              // 0: no (whole) answer came
  std::map<std::string, std::string> headers;  // names in lowercase
  std::string body;
  std::string head;                            // status line and headers, as they came
};

// One HTTP/1.1 connection. `name` labels its lines in the transcript ("P", "Q").
class HttpClient {
 public:
  HttpClient(int port, std::string name) : tcp_(port, std::move(name), true) {}
  const std::string& name() const { return tcp_.name(); }
  void log(const std::string& text) const { grade::step(tcp_.name() + ": " + mask_ids(text)); }
  std::uint64_t bytes() const { return tcp_.bytes_sent() + tcp_.bytes_received(); }
  std::uint64_t bytes_sent() const { return tcp_.bytes_sent(); }
  std::uint64_t bytes_received() const { return tcp_.bytes_received(); }
  bool closed_within(Ms wait) { return tcp_.closed_within(wait); }

  // The request as a small client sends it (request line, Host, Accept; a POST adds Content-Type and
  // Content-Length and its body), without waiting for the answer.
  void send_request(const std::string& method, const std::string& target, const std::string& body = "") {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n";
    if (method == "POST") req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    log(method + " " + target + (body.empty() ? "" : " " + grade::escape(body, 100)));
    tcp_.send_raw(Bytes(req.begin(), req.end()));
  }
  void send_raw(const std::string& bytes) {
    log("sends " + grade::escape(bytes, 100));
    tcp_.send_raw(Bytes(bytes.begin(), bytes.end()));
  }

  // The next answer on this connection (status 0 if none came within `wait`). A 204 or 304 has no body;
  // otherwise the body is Content-Length bytes (none without it).
  HttpResponse read_response(Ms wait = Ms(5000), bool quiet = false) {
    auto deadline = Clock::now() + wait;
    HttpResponse r;
    while (r.head.size() < 4 || r.head.compare(r.head.size() - 4, 4, "\r\n\r\n") != 0) {
      Bytes b = tcp_.read_exact(1, deadline);
      if (b.empty() || r.head.size() > 16384) {
        if (!quiet) log(r.head.empty() ? "got no answer" : "got a cut-off answer: " + grade::escape(r.head, 200));
        return HttpResponse{};
      }
      r.head += static_cast<char>(b[0]);
    }
    if (r.head.rfind("HTTP/1.1 ", 0) == 0 && r.head.size() > 12) r.status = std::atoi(r.head.substr(9, 3).c_str());
    std::size_t pos = r.head.find("\r\n") + 2;
    while (pos < r.head.size() - 2) {
      std::size_t end = r.head.find("\r\n", pos);
      std::string line = r.head.substr(pos, end - pos);
      std::size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::size_t v = line.find_first_not_of(" \t", colon + 1);
        r.headers[name] = v == std::string::npos ? "" : line.substr(v, line.find_last_not_of(" \t") + 1 - v);
      }
      pos = end + 2;
    }
    std::size_t len = r.headers.count("content-length") ? std::strtoul(r.headers["content-length"].c_str(), nullptr, 10) : 0;
    if (r.status == 204 || r.status == 304) len = 0;
    Bytes body = tcp_.read_exact(std::min<std::size_t>(len, 1 << 20), deadline);
    r.body.assign(body.begin(), body.end());
    json j = json::parse(r.body, nullptr, false);
    if (j.is_object() && j.contains("session") && j["session"].is_string()) seen_ids().push_back(j["session"]);
    if (!quiet) grade::got(tcp_.name() + ": " + mask_ids(r.head.substr(0, r.head.find("\r\n")) + (r.body.empty() ? "" : " " + r.body)));
    if (r.body.size() < len) {
      if (!quiet) log("the body ended after " + std::to_string(r.body.size()) + " of its " + std::to_string(len) + " bytes");
      r.status = 0;
    }
    return r;
  }

  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       Ms wait = Ms(5000)) {
    send_request(method, target, body);
    return read_response(wait);
  }

 private:
  chatgrade::Client tcp_;  // lab 5's client used as a plain TCP connection (no handshake)
};

// A long-polling stranger: its own HTTP connection (or the given one), its session.
class Poller {
 public:
  Poller(int port, const std::string& name) : http_(port, name) {}
  HttpClient& http() { return http_; }
  const std::string& session() const { return session_; }
  const std::string& label() const { return label_; }

  // POST /poll/open, then the first recv's welcome; its label ("" after a failure, reported).
  std::string open() {
    HttpResponse r = http_.request("POST", "/poll/open");
    json j = json::parse(r.body, nullptr, false);
    if (r.status != 200 || !j.is_object() || !j.contains("session") || !j["session"].is_string()) {
      ADD_FAILURE() << http_.name() << ": POST /poll/open must answer 200 {\"session\":ID}; got status " << r.status
                    << " and " << grade::escape(r.body, 200);
      return "";
    }
    session_ = j["session"];
    auto w = next_of("welcome");
    if (!w || !(*w)["you"].is_string()) {
      ADD_FAILURE() << http_.name() << ": the first recv must bring the welcome";
      return "";
    }
    label_ = (*w)["you"];
    return label_;
  }

  HttpResponse send(const json& message) {
    return http_.request("POST", "/poll/send?session=" + session_, message.dump());
  }

  // One recv: the messages of a 200 (nothing for a 204 or no answer); *status gets the status.
  std::vector<json> recv(Ms wait = Ms(5000), int* status = nullptr) {
    http_.send_request("GET", "/poll/recv?session=" + session_);
    return messages_of(http_.read_response(wait), status);
  }
  static std::vector<json> messages_of(const HttpResponse& r, int* status = nullptr) {
    if (status) *status = r.status;
    std::vector<json> out;
    json j = json::parse(r.body, nullptr, false);
    if (r.status == 200 && j.is_array()) out.assign(j.begin(), j.end());
    return out;
  }

  // Recvs until a message of `type` comes (the ones before it are kept for later next_of calls).
  std::optional<json> next_of(const std::string& type, Ms wait = Ms(5000)) {
    auto deadline = Clock::now() + wait;
    for (;;) {
      while (!inbox_.empty()) {
        json m = inbox_.front();
        inbox_.erase(inbox_.begin());
        if (m.value("type", "") == type) return m;
      }
      auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      int status = 0;
      auto got = recv(left, &status);
      if (status != 200 && status != 204) return std::nullopt;
      inbox_.insert(inbox_.end(), got.begin(), got.end());
    }
  }

 private:
  HttpClient http_;
  std::string session_, label_;
  std::vector<json> inbox_;
};

// GET /stats on a connection of its own (counted for no transport), parsed; null when it is not JSON.
inline json read_stats(int port) {
  HttpClient s(port, "stats");
  HttpResponse r = s.request("GET", "/stats");
  json j = json::parse(r.body, nullptr, false);
  return j.is_discarded() ? json() : j;
}

}  // namespace lab7
