// Demo: the orchestration. One thread drives both strangers in lock-step:
// each step waits until the other side has seen it (the relay's answer), and
// steps are at least a beat apart, so the relay sees the same events in the
// same order every run. Any failure (the relay went away, a timeout) starts
// both strangers over after a short pause; stop() ends every wait at once.
#include "demo.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/core.h>

#include "connection.h"
#include "keys.h"
#include "poll_stranger.h"
#include "script.h"
#include "ws_stranger.h"

namespace relay::demo {

namespace {
using std::chrono::milliseconds;
constexpr milliseconds kBeat{250};          // between two actions: lets the relay settle, keeps order fixed
constexpr milliseconds kAnswerWithin{10'000};
constexpr milliseconds kRetryAfter{2'000};
}  // namespace

struct Demo::Impl {
  Options options;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> rounds_done{0};
  std::atomic<bool> finished{false};
  std::atomic<bool> announced{false};
  std::mutex mutex;
  std::condition_variable wake;
  std::thread thread;

  explicit Impl(Options o) : options(o) {}

  Clock::time_point deadline() const { return Clock::now() + kAnswerWithin; }

  // Sleeps, or throws Stopped as soon as stop() is called.
  void pause(milliseconds ms) {
    std::unique_lock lock(mutex);
    if (wake.wait_for(lock, ms, [this] { return stopping.load(); })) throw Stopped{};
  }

  void run() {
    KeySource keys(options.deterministic);      // Sec-WebSocket-Key and mask keys
    KeySource pacing(false);                    // pauses when not deterministic (unused when it is)
    try {
      wait_for_audience();
    } catch (const Stopped&) {
      return;
    }
    while (!stopping.load()) {
      try {
        play(keys, pacing);
        finished = true;
        return;
      } catch (const Stopped&) {
        return;
      } catch (const std::exception& e) {
        fmt::print(stderr, "wirelab-demo: {}; the strangers start over in 2 s\n", e.what());
      }
      try {
        pause(kRetryAfter);
      } catch (const Stopped&) {
        return;
      }
    }
  }

  void wait_for_audience() {
    if (!options.audience) return;
    const auto until = Clock::now() + options.audience_wait;
    while (!options.audience() && Clock::now() < until) pause(milliseconds(50));
  }

  // The class comes first: while humans chat the strangers hold their next
  // step (a long pause may time them out; they start over with the same labels).
  void wait_while_humans_chat() {
    if (!options.humans_chatting) return;
    bool said = false;
    while (options.humans_chatting()) {
      if (!said) fmt::print(stderr, "wirelab-demo: humans are chatting; the strangers wait\n");
      said = true;
      pause(milliseconds(200));
    }
  }

  // A finds first, then B: A waits, both get `paired`.
  void pair(WsStranger& a, PollStranger& b) {
    a.send_text(find_json());
    a.expect("waiting", deadline());
    pause(kBeat);
    b.send(find_json(), deadline());
    b.expect("paired", deadline());
    a.expect("paired", deadline());
  }

  void play(KeySource& keys, KeySource& pacing) {
    WsStranger a(options.port, keys, stopping, options.tls);
    PollStranger b(options.port, stopping, options.tls);
    struct CloseOnExit {   // a stop mid-round still says goodbye with 1001 (7.4.1: going away)
      WsStranger& a;
      ~CloseOnExit() { a.close_now(1001); }
    } close_on_exit{a};

    a.connect(deadline());
    a.expect("welcome", deadline());
    pause(kBeat);
    b.open(deadline());
    b.expect("welcome", deadline());
    pause(kBeat);
    pair(a, b);
    if (!announced.exchange(true)) {
      fmt::print(stderr, "wirelab-demo: stranger A (WebSocket) and stranger B (long-polling) are chatting{}\n",
                 options.deterministic ? " (deterministic)" : "");
    }
    for (std::size_t round = 0; options.rounds == 0 || round < options.rounds; ++round) {
      for (const Step& step : round_steps(round, options.deterministic, pacing)) {
        pause(kBeat);
        wait_while_humans_chat();
        do_step(step, a, b);
        pause(milliseconds(step.pause_ms));
      }
      rounds_done = round + 1;
    }
    // The end of a limited run: B leaves (A hears it), A closes 1000, B stops polling.
    b.send(leave_json(), deadline());
    a.expect("left", deadline());
    pause(kBeat);
    a.close(1000, "bye", deadline());
    pause(kBeat);
    b.hang_up();
  }

  void do_step(const Step& step, WsStranger& a, PollStranger& b) {
    switch (step.action) {
      case Action::say:
        if (step.who == Who::a) {
          a.send_text(typing_json(true));
          b.expect("typing", deadline());
          pause(milliseconds(step.typing_ms));
          a.send_text(say_json(step.text));
          b.expect("said", deadline());
        } else {
          b.send(typing_json(true), deadline());
          a.expect("typing", deadline());
          pause(milliseconds(step.typing_ms));
          b.send(say_json(step.text), deadline());
          a.expect("said", deadline());
        }
        return;
      case Action::ping:   // 5.5.2: the relay (libwebsockets) answers with a pong of the same payload
        a.send_ping("wirelab");
        a.expect_pong(deadline());
        return;
      case Action::skip:   // leave + find: B hears `left`, then both are paired again
        a.send_text(leave_json());
        b.expect("left", deadline());
        pause(kBeat);
        pair(a, b);
        return;
      case Action::reconnect:   // close 1000, a new connection and handshake, a new label
        a.close(1000, "reconnecting", deadline());
        b.expect("left", deadline());
        pause(kBeat);
        a.connect(deadline());
        a.expect("welcome", deadline());
        pause(kBeat);
        pair(a, b);
        return;
    }
  }
};


Demo::Demo(Options options) : impl_(std::make_unique<Impl>(options)) {}

Demo::~Demo() { stop(); }

void Demo::start() {
  if (impl_->thread.joinable() || impl_->stopping.load()) return;
  impl_->thread = std::thread([this] { impl_->run(); });
}

void Demo::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::size_t Demo::rounds_done() const { return impl_->rounds_done.load(); }
bool Demo::finished() const { return impl_->finished.load(); }

}  // namespace relay::demo
