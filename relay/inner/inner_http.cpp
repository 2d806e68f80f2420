// The inner vhost's callback and its plain HTTP: routing, upgrade checks,
// replies written in HTTP_WRITEABLE.
#include <cstring>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include "relay/inner/early_response.h"
#include "relay/inner/inner_server.h"
#include "relay/tap/socket_tap.h"
#include "relay/descriptors.h"
#include "relay/log.h"
#include "relay/relay.h"
#include "relay/inner/web_assets.h"
#include "relay/poll/requests.h"
#include "wire/handshake.h"
#include "wire/query.h"

namespace relay {
namespace {

constexpr unsigned kInnerId = 10;
constexpr unsigned kChatId = 11;

// protocols[0] serves HTTP and any upgrade without Sec-WebSocket-Protocol;
// "wirelab.chat.v1" is there so a client may ask for it by name. Routing is
// by path (/chat, /echo) in HTTP_CONFIRM_UPGRADE, not by subprotocol.
//
// rx_buffer_size: lws 4.1.6 gives every WebSocket a receive buffer of this
// size for its whole life, so it is most of an idle connection's memory
// (16 KiB made 8.2 KB of RSS per idle --no-tap client, 1 KiB 4.6 KB;
// bench/README.md). A message longer than it arrives in several RECEIVE calls,
// which on_receive joins anyway. tx_packet_size: the most lws hands send() at
// once, which would otherwise follow rx_buffer_size down.
constexpr std::size_t kRxBuffer = 1024;
constexpr std::size_t kTxPacket = 16 * 1024;
const lws_protocols kInnerProtocols[] = {
    {"wirelab", InnerServer::callback, 0, kRxBuffer, kInnerId, nullptr, kTxPacket},
    {"wirelab.chat.v1", InnerServer::callback, 0, kRxBuffer, kChatId, nullptr, kTxPacket},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},   // terminator
};

const char* method_name(int m) {
  switch (m) {
    case LWSHUMETH_GET: return "GET";
    case LWSHUMETH_POST: return "POST";
    case LWSHUMETH_OPTIONS: return "OPTIONS";
    case LWSHUMETH_PUT: return "PUT";
    case LWSHUMETH_PATCH: return "PATCH";
    case LWSHUMETH_DELETE: return "DELETE";
    case LWSHUMETH_CONNECT: return "CONNECT";
    case LWSHUMETH_HEAD: return "HEAD";
    default: return "?";
  }
}

std::string header_text(lws* wsi, lws_token_indexes token) {
  const int n = lws_hdr_total_length(wsi, token);
  if (n <= 0) return {};
  std::string out(static_cast<std::size_t>(n) + 1, '\0');
  const int got = lws_hdr_copy(wsi, out.data(), n + 1, token);
  out.resize(got > 0 ? static_cast<std::size_t>(got) : 0);
  return out;
}

// The URI arguments as "a=1&b=2": lws keeps each one (percent-decoded) as a fragment.
std::string query_args(lws* wsi) {
  std::string out;
  char buf[256];
  for (int i = 0; i < 16; ++i) {
    const int n = lws_hdr_copy_fragment(wsi, buf, static_cast<int>(sizeof buf), WSI_TOKEN_HTTP_URI_ARGS, i);
    if (n < 0) break;
    if (i > 0) out += '&';
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

HttpReply json_reply(int status, std::string body) {
  HttpReply r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  r.headers = {{"cache-control:", "no-store"}};
  return r;
}

InnerServer::InnerServer(Relay& relay)
    : relay_(relay),
      keepalive_(std::int64_t{relay.options().ping_secs} * 1'000'000,
                 std::int64_t{relay.options().hangup_secs} * 1'000'000) {
  relay_.hub().set_chat_snapshot([this](wire::Hello& hello) { fill_hello(hello); });
}

InnerServer::~InnerServer() { relay_.hub().set_chat_snapshot(nullptr); }

const lws_protocols* InnerServer::protocols() { return kInnerProtocols; }

// The session of an inner wsi. Behind the tap the id came with the adoption
// (the edge's socketpair, or SocketTap::adopt); with --no-tap the connection
// is registered here on first use.
InnerSession* InnerServer::session(lws* wsi, bool create) {
  std::uint64_t id = conn_id(wsi);
  if (id == 0) {
    if (!create || relay_.options().tap) return nullptr;
    char address[128] = "";
    lws_get_peer_simple(wsi, address, sizeof address);
    const auto transport = lws_is_ssl(wsi) ? wire::Transport::tls : wire::Transport::tcp;
    id = relay_.connections().add(transport, address, relay_.now_us()).id;
    set_conn_id(wsi, id);
  }
  auto it = sessions_.find(id);
  if (it == sessions_.end()) {
    if (!create) return nullptr;
    it = sessions_.emplace(id, InnerSession{}).first;
    it->second.conn = id;
  }
  it->second.wsi = wsi;
  return &it->second;
}

void InnerServer::forget(std::uint64_t conn) {
  auto it = sessions_.find(conn);
  if (it == sessions_.end()) return;
  if (it->second.held) unhold(it->second);
  if (it->second.websocket) on_ws_closed(it->second);
  sessions_.erase(it);
}

int InnerServer::callback(lws* wsi, lws_callback_reasons reason, void* /*user*/, void* in, std::size_t len) {
  InnerServer& self = Relay::of(wsi).inner();
  // While lws calls us for a wsi, nothing writes to it from outside its callbacks (wake_websocket).
  struct InCallback {
    lws*& slot;
    lws* before;
    ~InCallback() { slot = before; }
  } in_callback{self.in_callback_, std::exchange(self.in_callback_, wsi)};
  InnerSession* s = nullptr;
  switch (reason) {
    case LWS_CALLBACK_FILTER_NETWORK_CONNECTION:   // its listener: never a socket past lws's table (descriptors.h)
      return fits_lws_table(accepted_fd(in)) ? 0 : 1;
    case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:   // accepted, before lws reads a byte
      if (SocketTap* tap = self.relay_.socket_tap()) return tap->adopt(wsi);
      return 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
      s = self.session(wsi, true);
      return s ? self.on_confirm_upgrade(*s) : -1;
    case LWS_CALLBACK_HTTP:
      s = self.session(wsi, true);
      return s ? self.on_http(*s, static_cast<const char*>(in)) : -1;
    case LWS_CALLBACK_HTTP_BODY:
      s = self.session(wsi, false);
      return s ? self.on_body(*s, static_cast<const char*>(in), len) : -1;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
      s = self.session(wsi, false);
      return s ? self.on_body_complete(*s) : -1;
    case LWS_CALLBACK_HTTP_WRITEABLE:
      if (SocketTap* tap = self.relay_.socket_tap(); tap && tap->wants_writeable(wsi)) {
        return tap->writeable(conn_id(wsi));   // closing: the tap's answer, nothing of the server's
      }
      s = self.session(wsi, false);
      return s ? self.on_http_writeable(*s) : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
      s = self.session(wsi, false);
      if (s != nullptr && s->held) self.unhold(*s);
      return 0;
    case LWS_CALLBACK_ESTABLISHED:
      s = self.session(wsi, false);
      return s ? self.on_established(*s) : -1;
    case LWS_CALLBACK_RECEIVE:
      s = self.session(wsi, false);
      return s ? self.on_receive(*s, static_cast<const char*>(in), len) : -1;
    case LWS_CALLBACK_RECEIVE_PONG:   // lws 4.1.6 calls it only for a pong with a payload: ours carry one
      s = self.session(wsi, false);
      if (s != nullptr) self.keepalive_.heard(s->conn, s->keepalive, self.relay_.now_us());
      return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (SocketTap* tap = self.relay_.socket_tap(); tap && tap->wants_writeable(wsi)) {
        return tap->writeable(conn_id(wsi));
      }
      s = self.session(wsi, false);
      return s ? self.on_ws_writeable(*s) : -1;
    case LWS_CALLBACK_CLOSED:
      s = self.session(wsi, false);
      if (s != nullptr) self.on_ws_closed(*s);
      return 0;
    case LWS_CALLBACK_WSI_DESTROY: {
      const std::uint64_t id = conn_id(wsi);
      if (id == 0) return 0;
      self.forget(id);
      if (SocketTap* tap = self.relay_.socket_tap()) tap->destroyed(id);
      else if (!self.relay_.options().tap) self.relay_.connections().remove(id);
      return 0;
    }
    default:
      return 0;
  }
}

// RFC 6455 4.2.1: a WebSocket upgrade is checked by wire's validator before
// lws sees it (lws 4.1.6 takes any version, no version, and non-GET upgrades).
// 1 = we answered (lws completes the transaction), -1 = we answered and hang
// up, 0 = lws goes on with the upgrade.
int InnerServer::on_confirm_upgrade(InnerSession& s) {
  lws* wsi = s.wsi;
  ConnRecord* rec = relay_.connections().find(s.conn);
  if ((rec != nullptr && rec->over_cap) || relay_.stopping()) {
    if (rec != nullptr && rec->over_cap) {
      relay_.connections().note_rejected();
      write_early_response(wsi, 503, "Service Unavailable",
                           R"({"error":"too_many_connections","detail":"too many connections from one address"})");
    } else {
      write_early_response(wsi, 503, "Service Unavailable", R"({"error":"shutting_down"})");
    }
    return -1;
  }
  char* uri = nullptr;
  int uri_len = 0;
  const int method = lws_http_get_uri_and_method(wsi, &uri, &uri_len);
  const std::string path = uri != nullptr ? std::string(uri, static_cast<std::size_t>(uri_len)) : std::string();

  wire::HttpHead head;
  head.method = method_name(method);
  head.target = path;
  head.version = "HTTP/1.1";
  const std::pair<const char*, lws_token_indexes> fields[] = {
      {"Host", WSI_TOKEN_HOST},
      {"Upgrade", WSI_TOKEN_UPGRADE},
      {"Connection", WSI_TOKEN_CONNECTION},
      {"Sec-WebSocket-Key", WSI_TOKEN_KEY},
      {"Sec-WebSocket-Version", WSI_TOKEN_VERSION},
      {"Sec-WebSocket-Protocol", WSI_TOKEN_PROTOCOL},
      {"Sec-WebSocket-Extensions", WSI_TOKEN_EXTENSIONS},
      {"Origin", WSI_TOKEN_ORIGIN},
  };
  for (const auto& [name, token] : fields) {
    if (lws_hdr_total_length(wsi, token) > 0) head.headers.emplace_back(name, header_text(wsi, token));
  }
  const wire::UpgradeVerdict verdict = wire::validate_upgrade_request(head);
  if (!verdict.ok()) {
    const wire::Rejection& rej = *verdict.rejection;
    relay_.violation(s.conn, rej.rule + ": " + rej.reason, fmt::format("answered {}", rej.status));
    std::string response = wire::build_rejection_response(rej);
    std::vector<unsigned char> buf(LWS_PRE + response.size());
    std::memcpy(buf.data() + LWS_PRE, response.data(), response.size());
    lws_write(wsi, buf.data() + LWS_PRE, response.size(), LWS_WRITE_HTTP_HEADERS);
    return -1;   // the response says Connection: close
  }
  if (path == "/chat") {
    s.route = Route::chat;
    s.bot = demo_bot_name(wsi);
  } else if (path == "/echo") {
    s.route = Route::echo;
  } else {
    write_early_response(wsi, 404, "Not Found", R"({"error":"not_found","detail":"WebSocket paths: /chat, /echo"})");
    return -1;
  }
  return 0;
}

// The demo's strangers say who they are with ?bot=NAME (relay/demo/); honoured
// only when this relay runs --demo, and only for a short lowercase name, so
// the mirror can mark them as bots. Anyone else arrives as a human.
std::string InnerServer::demo_bot_name(lws* wsi) const {
  if (!relay_.options().demo) return {};
  char arg[32];
  const char* v = lws_get_urlarg_by_name(wsi, "bot=", arg, sizeof arg);
  if (v == nullptr) return {};
  const std::string_view name(v);
  if (name.empty() || name.size() > 8) return {};
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return {};
  }
  return std::string(name);
}

int InnerServer::on_http(InnerSession& s, const char* uri) {
  Relay& r = relay_;
  r.metrics().http_request();
  // lws arms a 5 s content timeout before LWS_CALLBACK_HTTP (docs/platform.md, "Long-polling with lws").
  lws_set_timeout(s.wsi, PENDING_TIMEOUT_HTTP_CONTENT, 30);
  char* u = nullptr;
  int ulen = 0;
  const int method = lws_http_get_uri_and_method(s.wsi, &u, &ulen);
  const std::string_view path = uri != nullptr ? std::string_view(uri) : std::string_view();
  s.body.clear();
  s.body_too_big = false;
  s.body_kind = InnerSession::Body::none;
  s.poll_session.clear();
  if (path.rfind("/poll/", 0) == 0) s.poll_session = wire::query_value(query_args(s.wsi), "session");
  s.bot = path == "/poll/open" ? demo_bot_name(s.wsi) : std::string();

  ConnRecord* rec = r.connections().find(s.conn);
  HttpReply reply;
  if (rec != nullptr && rec->over_cap) {
    r.connections().note_rejected();
    reply = json_reply(503, R"({"error":"too_many_connections","detail":"too many connections from one address"})");
  } else if (r.stopping()) {
    reply = json_reply(503, R"({"error":"shutting_down","detail":"the relay is stopping"})");
  } else if (method == LWSHUMETH_POST) {
    // Every POST body is read (BODY ... BODY_COMPLETION) before the answer.
    if (path == "/poll/open") s.body_kind = InnerSession::Body::poll_open;
    else if (path == "/poll/send") s.body_kind = InnerSession::Body::poll_send;
    // RFC 7230 3.3.3: a request with neither Content-Length nor
    // Transfer-Encoding has an empty body (lws 4.1 would wait for one).
    if (lws_hdr_total_length(s.wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) == 0 &&
        lws_hdr_total_length(s.wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) == 0) {
      return on_body_complete(s);
    }
    return 0;
  } else if (method != LWSHUMETH_GET && method != LWSHUMETH_HEAD) {
    reply = json_reply(405, R"({"error":"method_not_allowed"})");
  } else if (path == "/healthz") {
    reply.body = "ok\n";
    reply.headers = {{"cache-control:", "no-store"}};
  } else if (path == "/metrics") {
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = r.metrics().render(r.gauges());
    reply.headers = {{"cache-control:", "no-store"}};
  } else if (path == "/poll/recv") {
    return poll_recv(s);
  } else {
    std::string_view name;
    if (path == "/" || path == "/index.html") name = "index.html";
    else if (path.rfind("/static/", 0) == 0) name = path.substr(8);
    const web::Asset* a = name.empty() ? nullptr : web::find_asset(name);
    if (a == nullptr) {
      reply = json_reply(404, R"({"error":"not_found"})");
    } else {
      reply.content_type = std::string(a->content_type);
      reply.body.assign(reinterpret_cast<const char*>(a->data), a->size);
      reply.headers = {{"cache-control:", "no-cache"}, {"x-content-type-options:", "nosniff"}};
    }
  }
  respond(s, std::move(reply));
  return 0;
}

int InnerServer::on_body(InnerSession& s, const char* in, std::size_t len) {
  if (s.body.size() + len > relay_.options().chat_max_message) {
    s.body_too_big = true;
    return 0;
  }
  if (len > 0) s.body.append(in, len);
  return 0;
}

int InnerServer::on_body_complete(InnerSession& s) {
  switch (s.body_kind) {
    case InnerSession::Body::poll_open: return poll_open(s);
    case InnerSession::Body::poll_send: return poll_send(s);
    case InnerSession::Body::none: break;
  }
  respond(s, json_reply(404, R"({"error":"not_found"})"));
  return 0;
}

void InnerServer::respond(InnerSession& s, HttpReply reply) {
  s.reply = std::make_unique<HttpReply>(std::move(reply));
  lws_callback_on_writable(s.wsi);
}

int InnerServer::on_http_writeable(InnerSession& s) {
  if (s.held) return answer_held(s);
  if (!s.reply) return 0;
  HttpReply reply = std::move(*s.reply);
  s.reply.reset();
  return write_reply(s, reply);
}

// Status line and headers by lws, then the body; keep-alive by lws.
int InnerServer::write_reply(InnerSession& s, const HttpReply& reply) {
  lws* wsi = s.wsi;
  std::vector<unsigned char> head(LWS_PRE + 1024);
  unsigned char* start = head.data() + LWS_PRE;
  unsigned char* p = start;
  unsigned char* end = head.data() + head.size() - 1;
  const bool no_body = reply.status == 204 || reply.status == 304;
  if (lws_add_http_header_status(wsi, static_cast<unsigned>(reply.status), &p, end)) return -1;
  if (!no_body) {
    if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
                                     reinterpret_cast<const unsigned char*>(reply.content_type.data()),
                                     static_cast<int>(reply.content_type.size()), &p, end) ||
        lws_add_http_header_content_length(wsi, reply.body.size(), &p, end)) {
      return -1;
    }
  }
  for (const auto& [name, value] : reply.headers) {
    if (lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(name.c_str()),
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), &p, end)) {
      return -1;
    }
  }
  if (lws_finalize_write_http_header(wsi, start, &p, end)) return -1;
  if (!no_body && !reply.body.empty()) {
    std::vector<unsigned char> body(LWS_PRE + reply.body.size());
    std::memcpy(body.data() + LWS_PRE, reply.body.data(), reply.body.size());
    if (lws_write(wsi, body.data() + LWS_PRE, reply.body.size(), LWS_WRITE_HTTP_FINAL) < 0) return -1;
  }
  return lws_http_transaction_completed(wsi) ? -1 : 0;
}

}  // namespace relay
