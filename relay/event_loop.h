// relay::EventLoop: which loop waits on the relay's sockets. libwebsockets'
// own loop is poll(): every wake-up walks every descriptor, so its cost per
// message grows with the connections that are merely open (bench/README.md).
// The default is epoll through libev: lws 4.1.6 serves a libev loop from
// Debian's libwebsockets-evlib-ev plugin, and the relay makes that loop itself
// ("foreign" to lws) so that it, not lws, owns the waiting and the signals
// (docs/platform.md, "The event loop").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

struct ev_loop;
struct lws_context;
struct lws_context_creation_info;

namespace relay {

enum class LoopKind { epoll, poll };

// The --event-loop values: "epoll" or "poll". False for anything else.
bool parse_loop_kind(std::string_view name, LoopKind& out);

class EventLoop {
 public:
  explicit EventLoop(LoopKind kind);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Empty when the loop was made; else why not, in words a user can act on.
  const std::string& error() const { return error_; }
  // Asks lws for this loop. The loop outlives the context made with `info`.
  void configure(lws_context_creation_info& info);
  // After lws_create_context: lws needs one event to arm its timers on a
  // foreign libev loop (its idle callback does it), so give it one.
  void start(lws_context* context);
  // Waits for the next events and serves them. A signal ends the wait early
  // (EINTR), so the caller sees its flag at once. False: lws failed.
  bool serve_once(lws_context* context);
  // What the kernel is asked: "epoll" or "poll" (libev may fall back).
  std::string backend() const;
  // The libev loop, or nullptr for lws's own poll() loop.
  struct ev_loop* ev() const { return loop_.get(); }

 private:
  struct LoopDeleter {
    void operator()(struct ev_loop* loop) const;
  };
  LoopKind kind_;
  std::unique_ptr<struct ev_loop, LoopDeleter> loop_;
  void* foreign_loops_[1] = {nullptr};
  std::string error_;
};

// A one-shot timer on the relay's loop, for what must fire on time (--delay-ms).
// On lws's poll() loop it is an lws timer (lws_sul). On the epoll loop it is a
// libev timer of the relay's own: lws 4.1.6's libev glue keeps one timer for
// all of lws's and re-arms it with ev_timer_set on a running watcher, which
// libev does not take, so an lws timer due sooner than the armed one waits for
// it (up to the relay's 250 ms tick; docs/platform.md, "The event loop").
class LoopTimer {
 public:
  LoopTimer(const EventLoop& loop, lws_context* context, std::function<void()> fire);
  ~LoopTimer();
  LoopTimer(const LoopTimer&) = delete;
  LoopTimer& operator=(const LoopTimer&) = delete;

  void schedule(std::int64_t wait_us);   // replaces any earlier schedule
  void cancel();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay
