// Lab 5 reference solution, part 2: the chat server, lab 4's poll() loop grown up. One writer per
// connection: every frame to send waits in that connection's bounded queue until poll() says POLLOUT;
// a client whose queue overflows is cut off, and nobody else waits for it.
#include "chat.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>

namespace ws {
namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

enum class State { handshake, open, closing };

struct Connection {
  State state = State::handshake;
  bool in_chat = false;             // on_open ran and on_close not yet
  std::string head;                 // request bytes until the head is complete
  FrameReader reader;
  Session session;
  std::deque<Bytes> queue;          // whole frames (or a response) to send, in order
  std::size_t sent = 0;             // bytes of queue.front() already sent
  std::size_t queued_bytes = 0;     // bytes in queue, minus `sent`
  Clock::time_point closing_since;
};

Millis now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

Bytes to_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

class Server {
 public:
  Server(ChatLogic& logic, const ServerOptions& options) : logic_(logic), options_(options) {}
  ~Server() {
    for (auto& [fd, c] : conns_) close(fd);
  }

  void run(int listen_fd, const std::atomic<bool>& stop) {
    while (!stop) {
      std::vector<pollfd> fds{{listen_fd, POLLIN, 0}};
      for (auto& [fd, c] : conns_) {
        short events = c.queued_bytes < options_.max_queued_bytes ? POLLIN : 0;  // backpressure
        if (!c.queue.empty()) events |= POLLOUT;
        fds.push_back({fd, events, 0});
      }
      if (poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) break;
      if (fds[0].revents & POLLIN) accept_one(listen_fd);
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0 || !conns_.count(fds[i].fd)) continue;
        bool alive = true;
        if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) alive = on_readable(fds[i].fd);
        if (alive && conns_.count(fds[i].fd)) alive = on_writable(fds[i].fd);
        if (!alive) drop(fds[i].fd);
      }
      deliver(logic_.on_tick(now_ms()));
      expire_closing();
    }
  }

 private:
  void accept_one(int listen_fd) {
    int fd = accept(listen_fd, nullptr, nullptr);
    if (fd < 0) return;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    Connection& c = conns_.try_emplace(fd).first->second;
    c.reader = FrameReader(options_.max_message_len);
    c.session = Session(options_.max_message_len);
  }

  // Sends whole queued items as far as the kernel takes them; false when the connection is finished.
  bool on_writable(int fd) {
    Connection& c = conns_.at(fd);
    while (!c.queue.empty()) {
      const Bytes& front = c.queue.front();
      ssize_t n = send(fd, front.data() + c.sent, front.size() - c.sent, MSG_NOSIGNAL);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      c.sent += static_cast<std::size_t>(n);
      c.queued_bytes -= static_cast<std::size_t>(n);
      if (c.sent == front.size()) {
        c.queue.pop_front();
        c.sent = 0;
      }
    }
    if (c.state == State::closing) shutdown(fd, SHUT_WR);  // all sent: our side is done (7.1.1)
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
    if (c.state == State::handshake) {
      c.head.append(reinterpret_cast<const char*>(buf), bytes.size());
      on_head(fd, c);
    } else {
      c.reader.feed(bytes);
    }
    handle_frames(fd);
    return true;
  }

  void on_head(int fd, Connection& c) {
    ParseResult p = parse_request(c.head);
    if (p.status == ParseStatus::need_more) return;
    if (p.status == ParseStatus::invalid) return answer_and_close(c, serialize_response(Response{400, "Bad Request", {}}));
    auto upgrade = find_header(p.request, "Upgrade");
    if (!options_.web_dir.empty() && !(upgrade && has_token(*upgrade, "websocket"))) {
      return answer_and_close(c, serve_file(p.request));
    }
    Response answer = answer_upgrade(p.request);
    push(c, to_bytes(serialize_response(answer)));
    if (answer.status != 101) return start_closing(c);
    c.state = State::open;
    std::string rest = c.head.substr(p.head_len);
    c.reader.feed(std::span(reinterpret_cast<const std::uint8_t*>(rest.data()), rest.size()));
    c.head.clear();
    c.in_chat = true;
    deliver(logic_.on_open(fd, now_ms()));
  }

  std::string serve_file(const Request& r) {
    std::string path = r.target.substr(0, r.target.find('?'));
    std::string name = path == "/" ? "index.html" : path.rfind("/static/", 0) == 0 ? path.substr(8) : "";
    std::ifstream in;
    if (r.method == "GET" && !name.empty() && name.find('/') == std::string::npos && name.find("..") == std::string::npos) {
      in.open(options_.web_dir + "/" + name, std::ios::binary);
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
    push(c, to_bytes(response));
    start_closing(c);
  }

  void handle_frames(int fd) {
    auto it = conns_.find(fd);
    while (it != conns_.end() && it->second.state == State::open) {
      Connection& c = it->second;
      FrameResult fr = c.reader.next();
      if (fr.status == DecodeStatus::need_more) return;
      if (fr.status == DecodeStatus::invalid) return fail(fd, 1002);
      if (fr.status == DecodeStatus::too_big) return fail(fd, 1009);
      Frame frame = std::move(fr.frame);
      if (!check_masking(Role::server, frame.header).empty()) return fail(fd, 1002);
      unmask_frame(frame);
      Reaction r = c.session.on_frame(frame);
      if (!r.reply.empty()) push(c, std::move(r.reply));
      if (r.close_connection) return end_chat(fd, c), start_closing(c);
      if (r.message && r.message->opcode == Opcode::text) {
        const auto& p = r.message->payload;
        deliver(logic_.on_message(fd, std::string_view(reinterpret_cast<const char*>(p.data()), p.size()), now_ms()));
      }
      it = conns_.find(fd);  // delivering never erases, but a cut may have changed the state
    }
  }

  void fail(int fd, std::uint16_t code) {
    Connection& c = conns_.at(fd);
    push(c, close_frame(code));
    end_chat(fd, c);
    start_closing(c);
  }

  // The logic's messages, each as a text frame into its connection's queue; a queue that would pass the
  // limit cuts its connection (whose `left` notices are delivered in turn).
  void deliver(Outbox out) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto it = conns_.find(out[i].to);
      if (it == conns_.end() || it->second.state != State::open) continue;
      Connection& c = it->second;
      Bytes frame = encode_frame(Role::server, Opcode::text, to_bytes(out[i].json));
      if (c.queued_bytes + frame.size() > options_.max_queued_bytes) {
        cut(it->first, c);
        Outbox more = logic_.on_close(it->first, now_ms());
        c.in_chat = false;
        out.insert(out.end(), more.begin(), more.end());
        continue;
      }
      push(c, std::move(frame));
    }
  }

  // A slow consumer: drop what it has not started receiving, queue the close frame, stop.
  void cut(int, Connection& c) {
    while (c.queue.size() > (c.sent > 0 ? 1u : 0u)) {
      c.queued_bytes -= c.queue.back().size();
      c.queue.pop_back();
    }
    push(c, close_frame(options_.slow_consumer_code));
    start_closing(c);
  }

  void push(Connection& c, Bytes bytes) {
    c.queued_bytes += bytes.size();
    c.queue.push_back(std::move(bytes));
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
    close(fd);
    conns_.erase(it);
    if (was_in_chat) deliver(logic_.on_close(fd, now_ms()));
  }

  // A client that never closes its side (or never reads our close frame) gets 1 s.
  void expire_closing() {
    std::vector<int> old;
    for (auto& [fd, c] : conns_) {
      if (c.state == State::closing && Clock::now() - c.closing_since > std::chrono::seconds(1)) old.push_back(fd);
    }
    for (int fd : old) drop(fd);
  }

  ChatLogic& logic_;
  const ServerOptions& options_;
  std::map<int, Connection> conns_;
};

}  // namespace

void run_chat_server(int listen_fd, const std::atomic<bool>& stop, ChatLogic& logic, const ServerOptions& options) {
  Server(logic, options).run(listen_fd, stop);
}

}  // namespace ws
