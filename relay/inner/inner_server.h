// relay::InnerServer: the inner vhost, where libwebsockets does HTTP/1.1 and
// WebSocket for real (behind the tap, or listening itself with --no-tap).
// One callback for every inner protocol; it translates lws events into calls
// on one InnerSession per connection (kept here, keyed by connection id: lws
// per-session memory holds nothing, lws zero-fills it and runs no constructors).
//
// Routes (relay/README.md "Endpoints"): / and /static/... (embedded
// relay/web), /healthz, /metrics, /poll/open|send|recv (poll_http.cpp), and
// WebSocket upgrades to /chat (ws_chat.cpp) and /echo (ws_echo.cpp), checked
// first by wire's RFC 6455 4.2.1 validator (400 / 426 + Sec-WebSocket-Version: 13).
// What lws 4.1.6 lets through is enforced here: message size (1009), UTF-8
// (1007); unmasked client frames are the tap's job (edge_tap.cpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <libwebsockets.h>

#include "relay/chat/service.h"
#include "relay/inner/keepalive.h"
#include "wire/events.h"
#include "wire/fifo.h"
#include "wire/utf8.h"

namespace relay {

class Relay;

enum class Route : std::uint8_t { none, chat, echo };

struct HttpReply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;   // extra, e.g. cache-control
};

// A JSON answer that no cache may keep (errors, /poll/* replies).
HttpReply json_reply(int status, std::string body);

// One per inner connection (HTTP keep-alive requests, then maybe a WebSocket).
struct InnerSession {
  std::uint64_t conn = 0;
  lws* wsi = nullptr;
  // HTTP
  // Written at the next HTTP_WRITEABLE. On the heap: an idle WebSocket holds none, and inline it
  // was about 100 bytes of every connection's memory (bench/README.md "Memory per idle connection").
  std::unique_ptr<HttpReply> reply;
  enum class Body : std::uint8_t { none, poll_open, poll_send } body_kind = Body::none;
  std::string body;
  bool body_too_big = false;
  std::string poll_session;                // /poll/send and /poll/recv: the ?session= value
  std::string bot;                         // /chat and /poll/open with --demo: the ?bot= value (demo_bot_name)
  bool held = false;                       // a /poll/recv waiting for messages
  chat::ParticipantId held_for = 0;
  chat::ParticipantId poll_participant = 0;  // whose /poll/* request came last on this connection
  std::int64_t held_until_us = 0;
  // WebSocket
  Route route = Route::none;
  bool websocket = false;
  chat::ParticipantId participant = 0;     // /chat
  std::string message;                     // the message being received (all fragments so far)
  bool message_binary = false;
  wire::Utf8Validator utf8;
  wire::Fifo<std::pair<bool, std::string>> echo_out;   // /echo: (binary, payload) to send back
  std::size_t echo_bytes = 0;
  bool rx_paused = false;
  bool going_away = false;                 // shutdown: close 1001 at the next WRITEABLE
  KeepaliveState keepalive;                // its silence, for --ping-secs / --hangup-secs (keepalive.h)
  bool ping_due = false;                   // keepalive: a ping at the next WRITEABLE
};

class InnerServer {
 public:
  // Registers fill_hello() with the mirror hub (and removes it when destroyed).
  explicit InnerServer(Relay& relay);
  ~InnerServer();
  InnerServer(const InnerServer&) = delete;
  InnerServer& operator=(const InnerServer&) = delete;
  static const lws_protocols* protocols();
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, std::size_t len);

  // Chat service hooks.
  void on_chat_ready(chat::ParticipantId id);
  void on_chat_note(const chat::ChatNote& note);
  // The mirror's `hello`: who each open connection carries, and every
  // participant with its transport, connection, pairing or room (ws_chat.cpp).
  void fill_hello(wire::Hello& hello) const;
  // Shutdown: every WebSocket gets close 1001, every held poll its answer.
  void say_goodbye();
  std::size_t websockets() const { return websockets_; }
  std::size_t held_polls() const { return held_.size(); }
  const Keepalive& keepalive() const { return keepalive_; }
  std::size_t ws_participants() const { return ws_participants_.size(); }
  // Humans (not demo bots) paired or in a room; any thread (the demo pauses while > 0).
  std::size_t humans_chatting_any_thread() const { return humans_chatting_.load(std::memory_order_relaxed); }
  // Bytes this server holds for a connection: its /echo replies, the message
  // being assembled, its chat participant's outgoing queue.
  std::size_t held_bytes(std::uint64_t conn) const;
  // The tap cut the connection (relay budget): free what it holds now.
  void release(std::uint64_t conn);
  // Periodic: answer held polls whose time is up, end expired poll sessions,
  // ping silent WebSockets and hang up the silent for too long.
  void tick(std::int64_t now_us);

 private:
  InnerSession* session(lws* wsi, bool create);
  // HTTP (inner_http.cpp)
  int on_http(InnerSession& s, const char* uri);
  std::string demo_bot_name(lws* wsi) const;
  int on_confirm_upgrade(InnerSession& s);
  int on_body(InnerSession& s, const char* in, std::size_t len);
  int on_body_complete(InnerSession& s);
  int on_http_writeable(InnerSession& s);
  void respond(InnerSession& s, HttpReply reply);
  int write_reply(InnerSession& s, const HttpReply& reply);
  // WebSocket (ws_session.cpp; chat and echo specifics in ws_chat.cpp, ws_echo.cpp)
  int on_established(InnerSession& s);
  int on_receive(InnerSession& s, const char* in, std::size_t len);
  int on_ws_writeable(InnerSession& s);
  void on_ws_closed(InnerSession& s);
  int deliver_message(InnerSession& s);
  int chat_writeable(InnerSession& s);
  void wake_websocket(InnerSession& s);
  int echo_writeable(InnerSession& s);
  int send_keepalive_ping(InnerSession& s);
  // Long-poll (poll_http.cpp)
  int poll_open(InnerSession& s);
  int poll_send(InnerSession& s);
  int poll_recv(InnerSession& s);
  int answer_held(InnerSession& s);
  void unhold(InnerSession& s);
  void forget(std::uint64_t conn);
  void keep_alive(std::int64_t now_us);   // ws_session.cpp

  Relay& relay_;
  std::unordered_map<std::uint64_t, InnerSession> sessions_;
  std::unordered_map<chat::ParticipantId, std::uint64_t> ws_participants_;   // participant -> conn
  std::unordered_map<chat::ParticipantId, std::uint64_t> held_;              // participant -> conn with a held recv
  std::unordered_set<std::uint64_t> held_conns_;   // sessions with held == true: the tick looks at these only
  std::unordered_map<chat::ParticipantId, std::uint64_t> last_conn_;         // participant -> conn, for `chat` events
  lws* in_callback_ = nullptr;       // the wsi lws is calling us for now (nested calls restore it)
  std::uint64_t pending_conn_ = 0;   // the conn whose connect() is running (its welcome note)
  std::size_t websockets_ = 0;
  std::atomic<std::size_t> humans_chatting_{0};   // updated on every chat note
  Keepalive keepalive_;                            // --ping-secs, --hangup-secs, for every WebSocket
};

}  // namespace relay
