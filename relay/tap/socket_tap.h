// relay::SocketTap: the byte-exact tap on the client's own socket
// (docs/platform.md, "The byte-exact tap"). The inner vhost listens itself,
// as with --no-tap, and every byte libwebsockets reads from or writes to a
// client's socket passes through the connection's TapStream on its way
// (socket_hooks.h): one descriptor and one wsi per client.
//
//   client <-TCP-> [recv/send hooks: TapStream] <-> inner wsi (HTTP/WS)
//
// c2s: lws's recv() reads the socket into lws's own buffer; the TapStream
// judges the bytes and lws gets only what it released. What the tap holds
// (a header being judged, a ping waiting for the pong before it, frames sent
// with the upgrade request) stays in the TapStream; what it released beyond
// the room lws gave waits in `for_lws`, and a wake (lws_service_fd with
// POLLIN) makes lws read it, since the kernel has nothing new to say.
// Above kHeldHighWater held, the tap stops reading the socket (lws rx flow
// control, a reason bit of the tap's own), so TCP pushes back on the client.
//
// s2c: lws's send() bytes are tapped as lws writes them, once each (lws
// offers a partly sent buffer again); after a Close nothing more goes out
// (RFC 6455 5.5.1: lws 4.1.6 can write an /echo reply after its own Close).
//
// A broken rule (5.1 unmasked, a bad request head, ...): lws gets the bytes
// before it, the tap writes its close frame (or HTTP refusal) after whatever
// lws has half sent, then half-closes and reads until the client's EOF or
// 2 s (RFC 9112 9.6: closing with unread bytes would reset the connection
// and could destroy the answer). Stall and budget rules: as edge_tap.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include <libwebsockets.h>

#include "relay/event_loop.h"
#include "relay/tap/session_labels.h"
#include "relay/tap/socket_hooks.h"
#include "relay/tap/tap.h"
#include "relay/tap/tap_stream.h"

namespace relay {

class Relay;

struct TappedSocket {
  enum class State : std::uint8_t {
    open,        // bytes flow both ways through the TapStream
    closing,     // a rule was broken: lws's last bytes, then the tap's answer, then half-close
    lingering,   // half-closed: reading (and dropping) until the client's EOF or 2 s
  };
  std::uint64_t id = 0;
  lws* wsi = nullptr;
  int fd = -1;
  State state = State::open;
  std::optional<TapStream> stream;       // always set once adopted (in place: one allocation less per client)
  std::vector<std::uint8_t> for_lws;     // c2s bytes released that lws has not read yet
  std::size_t for_lws_head = 0;
  std::vector<std::uint8_t> tap_out;     // the tap's own answer, after what lws has half sent
  std::uint64_t s2c_taken = 0;           // lws's output: bytes lws was told went out (or were dropped)
  std::uint64_t s2c_fed = 0;             // lws's output: bytes the TapStream has seen
  std::uint64_t s2c_end = UINT64_MAX;    // lws's output: nothing from here on reaches the client
  std::int64_t blocked_since_us = -1;    // bytes have waited for the client since then (-1: none wait)
  std::int64_t last_sent_us = 0;         // the socket last took a byte (or the connection opened)
  bool paused = false;                   // the tap stopped lws reading this socket
  bool wake_queued = false;
  bool in_scan = false;                  // in `touched_` for the next tick
  bool client_eof = false;
  bool told_bytes_after_close = false;

  std::size_t waiting_for_lws() const { return for_lws.size() - for_lws_head; }
};

class SocketTap final : public Tap, public SocketHook {
 public:
  explicit SocketTap(Relay& relay);
  ~SocketTap() override;
  SocketTap(const SocketTap&) = delete;
  SocketTap& operator=(const SocketTap&) = delete;

  // The inner vhost's callbacks for its connections (inner_http.cpp).
  int adopt(lws* wsi);                    // LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED
  void destroyed(std::uint64_t id);       // LWS_CALLBACK_WSI_DESTROY: the `close` event
  // Closing: the tap's answer is waiting for the socket, and nothing of lws's may go.
  bool wants_writeable(lws* wsi) const {
    const TappedSocket* s = at(lws_get_socket_fd(wsi));
    return s != nullptr && s->state != TappedSocket::State::open;
  }
  int writeable(std::uint64_t id);        // ... then WRITEABLE is the tap's (-1: close)
  // lws may read again (the inner server lifted its own flow control).
  void wake(std::uint64_t id);

  // Tap
  void tick(std::int64_t now_us) override;
  const Counters& counters() const override { return counters_; }
  std::size_t queued_bytes() const override;
  bool drained() const override;
  void stop_timers() override;

  // SocketHook
  bool owns(int fd) const override { return at(fd) != nullptr; }
  ssize_t on_recv(int fd, void* buf, std::size_t len) override;
  ssize_t on_send(int fd, const void* buf, std::size_t len, int flags) override;

 private:
  ssize_t give_lws(TappedSocket& s, std::uint8_t* buf, std::size_t len);
  ssize_t drain(TappedSocket& s);
  void release(TappedSocket& s, std::span<const std::uint8_t> bytes, std::size_t skip);
  void handle_verdict(TappedSocket& s, const TapVerdict& v);
  void enforce(TappedSocket& s, const TapVerdict& v, bool log_it = true);
  void flush_tap_out(TappedSocket& s);
  void half_close(TappedSocket& s);
  void pause(TappedSocket& s, bool paused);
  void queue_wake(TappedSocket& s);
  void run_wakes();
  void touch(TappedSocket& s);
  void sent(TappedSocket& s, bool all);
  std::size_t held_bytes(const TappedSocket& s) const;
  void drop_stalled(std::int64_t now_us);
  void enforce_budget();
  void publish_all();
  TappedSocket* find(std::uint64_t id);
  const TappedSocket* at(int fd) const {
    return fd >= 0 && static_cast<std::size_t>(fd) < by_fd_.size() ? by_fd_[static_cast<std::size_t>(fd)] : nullptr;
  }

  Relay& relay_;
  std::unordered_map<std::uint64_t, std::unique_ptr<TappedSocket>> conns_;
  std::vector<TappedSocket*> by_fd_;        // sized once to lws's table: the hooks look here
  std::vector<std::uint64_t> touched_;      // bytes moved since the last tick (in_scan set)
  std::vector<std::uint64_t> holding_;      // held bytes at the last tick
  std::vector<std::uint64_t> wakes_;        // lws should read these (wake_queued set)
  std::unique_ptr<LoopTimer> wake_timer_;   // made with the first connection (the context exists then)
  SessionLabels session_labels_;
  std::vector<wire::EventBody> events_;
  Counters counters_;
};

}  // namespace relay
