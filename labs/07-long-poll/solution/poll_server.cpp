// Lab 7 reference solution, part 3: lab 5's server with a long-poll surface. A connection is HTTP/1.1
// (keep-alive) until a request upgrades it; a long-poll session is a chat participant like a WebSocket, with
// a queue of messages that answers its held recv. Every byte sent and received is counted per transport.
#include "longpoll.h"

#include "json_bodies.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>

namespace ws {
namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

enum class State { http, websocket, closing };
enum class Carrier { none, websocket, long_poll };  // whose bytes these are, for the stats

struct Item {  // something queued to send, and whose bytes it is
  Bytes bytes;
  Carrier carrier = Carrier::none;
};

struct Connection {
  State state = State::http;
  bool in_chat = false;             // a WebSocket whose on_open ran and on_close not yet
  std::string in;                   // HTTP: received bytes not yet a whole request
  std::string held;                 // HTTP: the session whose recv this connection holds ("": none)
  bool close_after = false;         // HTTP: the last request said Connection: close
  FrameReader reader;
  Session session;
  std::deque<Item> queue;
  std::size_t sent = 0;             // bytes of queue.front() already sent
  std::size_t queued_bytes = 0;
  Clock::time_point closing_since;
};

struct PollSession {
  ConnId conn = 0;                  // the chat's name for this participant
  std::deque<std::string> messages; // queued for the next recv
  std::size_t queued_bytes = 0;
  int held_fd = -1;                 // the connection holding a recv, -1: none
  Millis held_until = 0;
  Millis last_recv = 0;             // when a recv was last answered (or the session opened)
};

constexpr ConnId kFirstPollConn = 1 << 30;  // far above any file descriptor
constexpr std::size_t kMaxBatch = 256;

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

using lab7::error_body;
using lab7::is_say;
using lab7::session_body;

std::string http_answer(int status, const std::string& body, bool close = false) {
  const char* reason = status == 200 ? "OK" : status == 204 ? "No Content" : status == 400 ? "Bad Request"
                     : status == 404 ? "Not Found" : status == 411 ? "Length Required"
                     : status == 413 ? "Content Too Large" : "Service Unavailable";
  std::string head = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  if (status != 204) head += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  head += "Cache-Control: no-store\r\n";
  if (close) head += "Connection: close\r\n";
  return head + "\r\n" + body;
}

class Server {
 public:
  Server(ChatLogic& logic, const PollOptions& options) : logic_(logic), options_(options) {}
  ~Server() {
    for (auto& [fd, c] : conns_) close(fd);
  }

  void run(int listen_fd, const std::atomic<bool>& stop) {
    while (!stop) {
      std::vector<pollfd> fds{{listen_fd, POLLIN, 0}};
      for (auto& [fd, c] : conns_) {
        // backpressure: a queue at its limit, or requests piled up behind a held recv (at most a whole
        // request more than a head and a body), is not read from until it drains
        bool room = c.queued_bytes < options_.chat.max_queued_bytes && c.in.size() < 2 * (max_head_len + options_.chat.max_message_len);
        short events = room ? POLLIN : 0;
        if (!c.queue.empty()) events |= POLLOUT;
        fds.push_back({fd, events, 0});
      }
      if (poll(fds.data(), fds.size(), 50) < 0 && errno != EINTR) break;
      if (fds[0].revents & POLLIN) accept_one(listen_fd);
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0 || !conns_.count(fds[i].fd)) continue;
        bool alive = true;
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) alive = on_readable(fds[i].fd);
        if (alive && conns_.count(fds[i].fd)) alive = on_writable(fds[i].fd);
        if (!alive) drop(fds[i].fd);
      }
      deliver(logic_.on_tick(now_ms()));
      expire_polls(now_ms());
      expire_closing();
    }
  }

 private:
  void accept_one(int listen_fd) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0) return;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    Connection& c = conns_.try_emplace(fd).first->second;
    c.reader = FrameReader(options_.chat.max_message_len);
    c.session = Session(options_.chat.max_message_len);
  }

  TransportBytes* bucket(Carrier carrier) {
    return carrier == Carrier::websocket ? &stats_.websocket : carrier == Carrier::long_poll ? &stats_.long_poll : nullptr;
  }

  bool on_writable(int fd) {
    Connection& c = conns_.at(fd);
    while (!c.queue.empty()) {
      const Item& front = c.queue.front();
      ssize_t n = send(fd, front.bytes.data() + c.sent, front.bytes.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      if (TransportBytes* b = bucket(front.carrier)) b->s2c_bytes += static_cast<std::uint64_t>(n);
      c.sent += static_cast<std::size_t>(n);
      c.queued_bytes -= static_cast<std::size_t>(n);
      if (c.sent == front.bytes.size()) {
        c.queue.pop_front();
        c.sent = 0;
      }
    }
    if (c.state == State::closing) shutdown(fd, SHUT_WR);  // all sent: our side is done
    return true;
  }

  bool on_readable(int fd) {
    Connection& c = conns_.at(fd);
    std::uint8_t buf[16384];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) return false;
    if (c.state == State::closing) return true;  // waiting for the client to close: drop
    std::span<const std::uint8_t> bytes(buf, static_cast<std::size_t>(n));
    if (c.state == State::http) {
      c.in.append(reinterpret_cast<const char*>(buf), bytes.size());
      on_http(fd);
    } else {
      stats_.websocket.c2s_bytes += bytes.size();
      c.reader.feed(bytes);
    }
    handle_frames(fd);
    return true;
  }

  // Whole requests from c.in, one after the other, until one is held or the bytes run out.
  void on_http(int fd) {
    for (;;) {
      auto it = conns_.find(fd);
      if (it == conns_.end()) return;
      Connection& c = it->second;
      if (c.state != State::http || !c.held.empty() || c.in.empty()) return;
      ParseResult p = parse_request(c.in);
      if (p.status == ParseStatus::need_more) return;
      if (p.status == ParseStatus::invalid) return answer_and_close(c, http_answer(400, error_body("bad_request", p.error), true));
      const Request& r = p.request;
      auto upgrade = find_header(r, "Upgrade");
      if (upgrade && has_token(*upgrade, "websocket")) return on_upgrade(fd, c, p);
      if (find_header(r, "Transfer-Encoding")) {
        return answer_and_close(c, http_answer(411, error_body("length_required", "send the body with Content-Length"), true));
      }
      std::size_t body_len = 0;
      if (auto cl = find_header(r, "Content-Length")) {
        auto [end, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), body_len);
        if (ec != std::errc() || end != cl->data() + cl->size()) {
          return answer_and_close(c, http_answer(400, error_body("bad_request", "Content-Length is not a number"), true));
        }
      }
      if (body_len > options_.chat.max_message_len) {
        return answer_and_close(c, http_answer(413, error_body("too_long", "a message is at most " +
                                                               std::to_string(options_.chat.max_message_len) + " bytes"), true));
      }
      if (c.in.size() < p.head_len + body_len) return;  // the body is still coming
      std::string body = c.in.substr(p.head_len, body_len);
      c.in.erase(0, p.head_len + body_len);
      auto conn = find_header(r, "Connection");
      c.close_after = (conn && has_token(*conn, "close")) || r.version != "HTTP/1.1";
      on_request(fd, c, r, body, p.head_len + body_len);
    }
  }

  void on_upgrade(int fd, Connection& c, const ParseResult& p) {
    Response answer = answer_upgrade(p.request);
    push(c, to_bytes(serialize_response(answer)), Carrier::websocket);
    stats_.websocket.c2s_bytes += c.in.size();  // the request and any frames that came with it
    if (answer.status != 101) return start_closing(c);
    c.state = State::websocket;
    std::string rest = c.in.substr(p.head_len);
    c.reader.feed(std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()));
    c.in.clear();
    c.in_chat = true;
    deliver(logic_.on_open(fd, now_ms()));
  }

  void on_request(int fd, Connection& c, const Request& r, const std::string& body, std::size_t request_bytes) {
    std::string path = r.target.substr(0, r.target.find('?'));
    bool is_poll = (path == "/poll/open" || path == "/poll/send") ? r.method == "POST" : path == "/poll/recv" && r.method == "GET";
    if (!is_poll) {
      if (r.method == "GET" && path == "/stats") return answer(c, http_answer(200, stats_json(stats_)), Carrier::none);
      if (!options_.chat.web_dir.empty()) return answer_and_close(c, serve_file(r));
      return answer(c, http_answer(404, error_body("not_found", "no such endpoint")), Carrier::none);
    }
    stats_.long_poll.c2s_bytes += request_bytes;
    const Millis now = now_ms();
    if (path == "/poll/open") return poll_open(c, now);
    std::string id = query_arg(r.target, "session");
    auto s = sessions_.find(id);
    if (s == sessions_.end()) {
      return answer(c, http_answer(404, is_session_id(id) ? error_body("unknown_session", "no such session (it ended after a "
                                                                       "time without a recv, or never existed): POST /poll/open for a new one")
                                                          : error_body("malformed_session", "the session parameter must be the 32 "
                                                                       "lowercase hex digits that POST /poll/open returned")),
                    Carrier::long_poll);
    }
    if (path == "/poll/send") {
      if (is_say(body)) ++stats_.long_poll.messages;
      answer(c, http_answer(204, ""), Carrier::long_poll);
      deliver(logic_.on_message(s->second.conn, body, now));
      return;
    }
    hold(fd, c, s->first, s->second, now);
  }

  void poll_open(Connection& c, Millis now) {
    if (sessions_.size() >= options_.max_sessions) {
      return answer(c, http_answer(503, error_body("too_many_sessions", "the server has too many long-poll sessions; "
                                                   "try again in a minute")), Carrier::long_poll);
    }
    std::string id = new_session_id();
    PollSession& s = sessions_[id];
    s.conn = next_poll_conn_++;
    s.last_recv = now;
    session_of_[s.conn] = id;
    answer(c, http_answer(200, session_body(id)), Carrier::long_poll);
    deliver(logic_.on_open(s.conn, now));
  }

  // A recv: the older recv of this session (if any) gets its 204; this one waits for a message.
  void hold(int fd, Connection& c, const std::string& id, PollSession& s, Millis now) {
    if (s.held_fd >= 0) answer_recv(s, now);
    s.held_fd = fd;
    s.held_until = now + options_.hold_ms;
    s.last_recv = now;
    c.held = id;
    if (!s.messages.empty()) answer_recv(s, now);
  }

  // The held recv of s: its queued messages as one JSON array (200), or 204 when there are none.
  void answer_recv(PollSession& s, Millis now) {
    auto it = conns_.find(s.held_fd);
    s.held_fd = -1;
    s.last_recv = now;
    if (it == conns_.end()) return;
    Connection& c = it->second;
    c.held.clear();
    std::string batch;
    for (std::size_t n = 0; n < kMaxBatch && !s.messages.empty(); ++n) {
      batch += (batch.empty() ? "[" : ",") + s.messages.front();
      s.queued_bytes -= s.messages.front().size();
      s.messages.pop_front();
    }
    answer(c, batch.empty() ? http_answer(204, "") : http_answer(200, batch + "]"), Carrier::long_poll);
    pending_.push_back(it->first);  // requests that waited behind the recv: after this delivery
  }

  void answer(Connection& c, const std::string& response, Carrier carrier) {
    push(c, to_bytes(response), carrier);
    if (c.close_after) start_closing(c);
  }

  std::string serve_file(const Request& r) {
    std::string path = r.target.substr(0, r.target.find('?'));
    std::string name = path == "/" ? "index.html" : path.rfind("/static/", 0) == 0 ? path.substr(8) : "";
    std::ifstream in;
    if (r.method == "GET" && !name.empty() && name.find('/') == std::string::npos && name.find("..") == std::string::npos) {
      in.open(options_.chat.web_dir + "/" + name, std::ios::binary);
    }
    if (!in.is_open()) return "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    std::ostringstream body;
    body << in.rdbuf();
    auto ends = [&](std::string_view ext) { return name.size() >= ext.size() && name.compare(name.size() - ext.size(), ext.size(), ext) == 0; };
    const char* type = ends(".html") ? "text/html; charset=utf-8" : ends(".css") ? "text/css" : ends(".js") ? "text/javascript" : "application/octet-stream";
    return "HTTP/1.1 200 OK\r\nContent-Type: " + std::string(type) + "\r\nContent-Length: " +
           std::to_string(body.str().size()) + "\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n" + body.str();
  }

  void answer_and_close(Connection& c, const std::string& response) {
    push(c, to_bytes(response), Carrier::none);
    start_closing(c);
  }

  void handle_frames(int fd) {
    auto it = conns_.find(fd);
    while (it != conns_.end() && it->second.state == State::websocket) {
      Connection& c = it->second;
      FrameResult fr = c.reader.next();
      if (fr.status == DecodeStatus::need_more) return;
      if (fr.status == DecodeStatus::invalid) return fail(fd, 1002);
      if (fr.status == DecodeStatus::too_big) return fail(fd, 1009);
      Frame frame = std::move(fr.frame);
      if (!check_masking(Role::server, frame.header).empty()) return fail(fd, 1002);
      unmask_frame(frame);
      Reaction r = c.session.on_frame(frame);
      if (!r.reply.empty()) push(c, std::move(r.reply), Carrier::websocket);
      if (r.close_connection) return end_chat(fd, c), start_closing(c);
      if (r.message && r.message->opcode == Opcode::text) {
        std::string_view text(reinterpret_cast<const char*>(r.message->payload.data()), r.message->payload.size());
        if (is_say(text)) ++stats_.websocket.messages;
        deliver(logic_.on_message(fd, text, now_ms()));
      }
      it = conns_.find(fd);
    }
  }

  void fail(int fd, std::uint16_t code) {
    Connection& c = conns_.at(fd);
    push(c, close_frame(code), Carrier::websocket);
    end_chat(fd, c);
    start_closing(c);
  }

  // The logic's messages: a WebSocket's as a text frame into its queue, a session's into the session's queue
  // (answering its held recv). A queue that would pass the limit ends its connection or session, whose
  // `left` notices are delivered in turn.
  void deliver(Outbox out) {
    std::vector<std::string> woken;
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (auto p = session_of_.find(out[i].to); p != session_of_.end()) {
        PollSession& s = sessions_.at(p->second);
        if (s.queued_bytes + out[i].json.size() > options_.chat.max_queued_bytes) {
          Outbox more = end_session(p->second);
          out.insert(out.end(), more.begin(), more.end());
          continue;
        }
        s.queued_bytes += out[i].json.size();
        s.messages.push_back(out[i].json);
        if (s.held_fd >= 0) woken.push_back(p->second);
        continue;
      }
      auto it = conns_.find(out[i].to);
      if (it == conns_.end() || it->second.state != State::websocket || !it->second.in_chat) continue;
      Connection& c = it->second;
      Bytes frame = encode_frame(Role::server, Opcode::text, to_bytes(out[i].json));
      if (c.queued_bytes + frame.size() > options_.chat.max_queued_bytes) {
        cut(c);
        Outbox more = logic_.on_close(it->first, now_ms());
        c.in_chat = false;
        out.insert(out.end(), more.begin(), more.end());
        continue;
      }
      push(c, std::move(frame), Carrier::websocket);
    }
    for (const std::string& id : woken) {  // one answer per recv, with everything this delivery queued
      auto s = sessions_.find(id);
      if (s != sessions_.end() && s->second.held_fd >= 0) answer_recv(s->second, now_ms());
    }
    resume_pending();
  }

  // Connections whose held recv was answered: the requests that waited behind it run now.
  void resume_pending() {
    while (!pending_.empty()) {
      int fd = pending_.front();
      pending_.pop_front();
      on_http(fd);
    }
  }

  // The session ends: its held recv (if any) gets 204, the chat forgets it; returns what the chat says to the others.
  Outbox end_session(const std::string& id) {
    PollSession& s = sessions_.at(id);
    if (s.held_fd >= 0) {
      s.messages.clear();
      answer_recv(s, now_ms());
    }
    ConnId conn = s.conn;
    session_of_.erase(conn);
    sessions_.erase(id);
    return logic_.on_close(conn, now_ms());
  }

  // Held recvs whose time is up get 204; sessions without a recv for expiry_ms end.
  void expire_polls(Millis now) {
    std::vector<std::string> ended;
    for (auto& [id, s] : sessions_) {
      if (s.held_fd >= 0 && now >= s.held_until) answer_recv(s, now);
      if (s.held_fd < 0 && now - s.last_recv >= options_.expiry_ms) ended.push_back(id);
    }
    for (const std::string& id : ended) deliver(end_session(id));
    resume_pending();
  }

  void cut(Connection& c) {
    while (c.queue.size() > (c.sent > 0 ? 1u : 0u)) {
      c.queued_bytes -= c.queue.back().bytes.size();
      c.queue.pop_back();
    }
    push(c, close_frame(options_.chat.slow_consumer_code), Carrier::websocket);
    start_closing(c);
  }

  void push(Connection& c, Bytes bytes, Carrier carrier) {
    c.queued_bytes += bytes.size();
    c.queue.push_back({std::move(bytes), carrier});
  }

  void end_chat(int fd, Connection& c) {
    if (!c.in_chat) return;
    c.in_chat = false;
    deliver(logic_.on_close(fd, now_ms()));
  }

  static void start_closing(Connection& c) {
    c.state = State::closing;
    c.closing_since = Clock::now();
  }

  void drop(int fd) {
    auto it = conns_.find(fd);
    if (it == conns_.end()) return;
    bool was_in_chat = it->second.in_chat;
    if (auto s = sessions_.find(it->second.held); s != sessions_.end() && s->second.held_fd == fd) {
      s->second.held_fd = -1;  // the client gave up on its recv: the session's expiry starts now
      s->second.last_recv = now_ms();
    }
    close(fd);
    conns_.erase(it);
    if (was_in_chat) deliver(logic_.on_close(fd, now_ms()));
  }

  void expire_closing() {
    std::vector<int> old;
    for (auto& [fd, c] : conns_) {
      if (c.state == State::closing && Clock::now() - c.closing_since > std::chrono::seconds(1)) old.push_back(fd);
    }
    for (int fd : old) drop(fd);
  }

  ChatLogic& logic_;
  const PollOptions& options_;
  std::map<int, Connection> conns_;
  std::map<std::string, PollSession> sessions_;  // by id
  std::map<ConnId, std::string> session_of_;     // the chat's ConnId -> session id
  ConnId next_poll_conn_ = kFirstPollConn;
  std::deque<int> pending_;
  WireStats stats_;
};

}  // namespace

void run_poll_server(int listen_fd, const std::atomic<bool>& stop, ChatLogic& logic, const PollOptions& options) {
  Server(logic, options).run(listen_fd, stop);
}

}  // namespace ws
