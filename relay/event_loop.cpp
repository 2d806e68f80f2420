#include "relay/event_loop.h"

#include <ev.h>
#include <libwebsockets.h>

#include <algorithm>

namespace relay {

bool parse_loop_kind(std::string_view name, LoopKind& out) {
  if (name == "epoll") {
    out = LoopKind::epoll;
    return true;
  }
  if (name == "poll") {
    out = LoopKind::poll;
    return true;
  }
  return false;
}

void EventLoop::LoopDeleter::operator()(struct ev_loop* loop) const { ev_loop_destroy(loop); }

EventLoop::EventLoop(LoopKind kind) : kind_(kind) {
  if (kind_ != LoopKind::epoll) return;
  // EVBACKEND_EPOLL alone: libev's automatic choice may also pick io_uring or
  // Linux AIO in later versions, which this relay has not been measured with.
  loop_.reset(ev_loop_new(static_cast<unsigned>(EVBACKEND_EPOLL) | static_cast<unsigned>(EVFLAG_NOENV)));
  if (!loop_) error_ = "libev could not make an epoll loop (ev_loop_new failed); --event-loop poll still works";
  foreign_loops_[0] = loop_.get();
}

EventLoop::~EventLoop() = default;

void EventLoop::configure(lws_context_creation_info& info) {
  if (kind_ != LoopKind::epoll) return;
  info.options |= LWS_SERVER_OPTION_LIBEV;
  info.foreign_loops = foreign_loops_;
}

void EventLoop::start(lws_context* context) {
  if (kind_ == LoopKind::epoll) lws_cancel_service(context);
}

bool EventLoop::serve_once(lws_context* context) {
  if (kind_ == LoopKind::poll) return lws_service(context, 0) >= 0;
  // Not lws_service(): on a libev loop it runs ev_run() until the loop is
  // broken, and the relay would never look at its stop flag.
  ev_run(loop_.get(), EVRUN_ONCE);
  // lws 4.1.6's libev glue serves connections with input already buffered
  // (a paused read resumed, TLS records already decrypted) from an idle
  // watcher, and libev runs idle watchers only when no socket is ready: on a
  // busy relay, late. So after every round, as lws's poll() loop does.
  if (lws_service_adjust_timeout(context, 1, 0) == 0) _lws_plat_service_forced_tsi(context, 0);
  return true;
}

std::string EventLoop::backend() const {
  if (kind_ == LoopKind::poll) return "poll (libwebsockets' own loop)";
  return ev_backend(loop_.get()) == EVBACKEND_EPOLL ? "epoll (libev)" : "libev, not epoll";
}

struct LoopTimer::Impl {
  struct Sul {
    lws_sorted_usec_list_t sul;   // first member: the sul callback gets its address
    Impl* self;
  };
  Sul sul{};
  ev_timer timer{};
  struct ev_loop* loop;
  lws_context* context;
  std::function<void()> fire;

  static void on_sul(lws_sorted_usec_list_t* s) { reinterpret_cast<Sul*>(s)->self->fire(); }
  static void on_ev(struct ev_loop* /*loop*/, ev_timer* w, int /*revents*/) { static_cast<Impl*>(w->data)->fire(); }
};

LoopTimer::LoopTimer(const EventLoop& loop, lws_context* context, std::function<void()> fire)
    : impl_(std::make_unique<Impl>()) {
  impl_->loop = loop.ev();
  impl_->context = context;
  impl_->fire = std::move(fire);
  impl_->sul.self = impl_.get();
  ev_timer_init(&impl_->timer, Impl::on_ev, 0., 0.);
  impl_->timer.data = impl_.get();
}

// The timer lives in this object: it leaves lws's list (or libev's heap) before the memory goes.
LoopTimer::~LoopTimer() { cancel(); }

void LoopTimer::schedule(std::int64_t wait_us) {
  wait_us = std::max<std::int64_t>(wait_us, 1);
  if (impl_->loop == nullptr) {
    lws_sul_schedule(impl_->context, 0, &impl_->sul.sul, Impl::on_sul, wait_us);
    return;
  }
  ev_timer_stop(impl_->loop, &impl_->timer);   // libev: a running timer is stopped before it is set
  ev_now_update(impl_->loop);                  // from now, not from when this loop iteration woke
  ev_timer_set(&impl_->timer, static_cast<double>(wait_us) / 1e6, 0.);
  ev_timer_start(impl_->loop, &impl_->timer);
}

void LoopTimer::cancel() {
  if (impl_->loop == nullptr) {
    lws_sul_cancel(&impl_->sul.sul);
    return;
  }
  ev_timer_stop(impl_->loop, &impl_->timer);
}

}  // namespace relay
