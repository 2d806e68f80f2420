// MirrorClient: one lws context on one worker thread. The callback switch
// only translates lws events into calls on the Worker.
#include "feeds/mirror_client.h"

#include <libwebsockets.h>

#include <cstring>
#include <memory>
#include <string_view>

namespace viz {

std::optional<WsUrl> parse_ws_url(const std::string& url) {
  constexpr std::string_view scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string rest = url.substr(scheme.size());
  WsUrl out;
  const auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  out.path = slash == std::string::npos ? "/" : rest.substr(slash);
  const auto colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    const std::string port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    out.port = std::stoi(port);
    if (out.port < 1 || out.port > 65535) return std::nullopt;
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return std::nullopt;
  out.host = authority;
  return out;
}

const char* mirror_state_name(MirrorState s) {
  switch (s) {
    case MirrorState::connecting: return "connecting";
    case MirrorState::connected: return "connected";
    case MirrorState::retrying: return "reconnecting";
    case MirrorState::stopped: return "stopped";
  }
  return "?";
}

// Everything that lives on the worker thread: the context, the connection
// and the retry timer. One per MirrorClient run.
struct MirrorClient::Worker {
  // The retry timer; lws hands back the sul, and `owner` leads back here.
  struct RetryTimer {
    lws_sorted_usec_list_t sul;   // first member: the address of the RetryTimer
    Worker* owner;
  };
  static constexpr std::size_t kMaxMessage = 8 * 1024 * 1024;   // a mirror event is at most ~90 KiB

  MirrorClient& client;
  lws_context* context = nullptr;
  lws* wsi = nullptr;
  RetryTimer retry{};
  lws_usec_t backoff_us = 250'000;
  std::string message;          // one mirror event being reassembled from fragments
  bool oversized = false;
  bool closing = false;         // the context is being destroyed: no more retries

  explicit Worker(MirrorClient& c) : client(c) { retry.owner = this; }

  void connect() {
    client.state_ = MirrorState::connecting;
    lws_client_connect_info info;
    std::memset(&info, 0, sizeof info);
    info.context = context;
    info.address = client.url_.host.c_str();
    info.port = client.url_.port;
    info.path = client.url_.path.c_str();
    info.host = client.url_.host.c_str();
    info.origin = client.url_.host.c_str();
    info.protocol = nullptr;
    info.pwsi = &wsi;
    if (!lws_client_connect_via_info(&info)) schedule_retry("could not start a connection");
  }

  void schedule_retry(const char* why) {
    wsi = nullptr;
    if (closing) return;
    client.state_ = MirrorState::retrying;
    client.retry_in_s_ = static_cast<double>(backoff_us) / 1e6;
    {
      std::lock_guard lock(client.error_mu_);
      client.last_error_ = why ? why : "";
    }
    lws_sul_schedule(context, 0, &retry.sul, &Worker::on_retry, backoff_us);
    backoff_us = std::min<lws_usec_t>(backoff_us * 2, 2'000'000);
  }

  static void on_retry(lws_sorted_usec_list_t* sul) {
    auto* timer = reinterpret_cast<RetryTimer*>(sul);
    timer->owner->connect();
  }

  void on_established() {
    backoff_us = 250'000;
    client.state_ = MirrorState::connected;
    client.retry_in_s_ = 0.0;
    ++client.connects_;
    std::lock_guard lock(client.error_mu_);
    client.last_error_.clear();
  }

  void on_receive(lws* w, const void* data, std::size_t len) {
    if (message.size() + len > kMaxMessage) oversized = true;
    if (!oversized) message.append(static_cast<const char*>(data), len);
    if (!lws_is_final_fragment(w) || lws_remaining_packet_payload(w) != 0) return;
    if (oversized) {
      ++client.bad_messages_;
    } else if (auto ev = wire::parse_event_line(message)) {
      ++client.messages_;
      client.inbox_.push(std::move(ev).value());
    } else {
      ++client.bad_messages_;
    }
    message.clear();
    oversized = false;
  }

  static int callback(lws* w, lws_callback_reasons reason, void* /*user*/, void* in, std::size_t len) {
    auto* self = static_cast<Worker*>(lws_context_user(lws_get_context(w)));
    switch (reason) {
      case LWS_CALLBACK_CLIENT_ESTABLISHED:
        self->on_established();
        break;
      case LWS_CALLBACK_CLIENT_RECEIVE:
        self->on_receive(w, in, len);
        break;
      case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        self->schedule_retry(in && len ? static_cast<const char*>(in) : "connection failed");
        break;
      case LWS_CALLBACK_CLIENT_CLOSED:
        self->message.clear();
        self->schedule_retry("the relay closed the mirror");
        break;
      case LWS_CALLBACK_EVENT_WAIT_CANCELLED:   // a wake-up from stop(): the loop checks the flag
      default:
        break;
    }
    return 0;
  }
};

MirrorClient::MirrorClient(WsUrl url, Inbox& inbox) : url_(std::move(url)), inbox_(inbox) {}

MirrorClient::~MirrorClient() { stop(); }

void MirrorClient::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  state_ = MirrorState::connecting;
  thread_ = std::thread([this] { run(); });
}

void MirrorClient::stop() {
  stop_ = true;
  {
    std::lock_guard lock(context_mu_);
    if (context_) lws_cancel_service(static_cast<lws_context*>(context_));
  }
  if (thread_.joinable()) thread_.join();
  state_ = MirrorState::stopped;
}

std::string MirrorClient::last_error() const {
  std::lock_guard lock(error_mu_);
  return last_error_;
}

void MirrorClient::run() {
  Worker worker(*this);
  static const lws_protocols protocols[] = {
      {"wirelab-mirror-client", &Worker::callback, 0, 64 * 1024, 0, nullptr, 0},
      {nullptr, nullptr, 0, 0, 0, nullptr, 0},
  };
  lws_set_log_level(LLL_ERR, nullptr);
  lws_context_creation_info info;
  std::memset(&info, 0, sizeof info);
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.user = &worker;
  info.gid = -1;
  info.uid = -1;
  // RAII: the context is destroyed on this thread whatever happens.
  std::unique_ptr<lws_context, void (*)(lws_context*)> ctx(lws_create_context(&info), &lws_context_destroy);
  if (!ctx) {
    std::lock_guard lock(error_mu_);
    last_error_ = "could not create the libwebsockets context";
    state_ = MirrorState::stopped;
    return;
  }
  worker.context = ctx.get();
  {
    std::lock_guard lock(context_mu_);
    context_ = ctx.get();
  }
  // stop() may have run before context_ was set (it could not wake us): check first.
  if (!stop_) worker.connect();
  while (!stop_) {
    if (lws_service(ctx.get(), 0) < 0) break;
  }
  worker.closing = true;
  lws_sul_cancel(&worker.retry.sul);
  std::lock_guard lock(context_mu_);
  context_ = nullptr;   // before the context is destroyed (ctx's deleter, below)
}

}  // namespace viz
