// wirelab-relay: the anonymous chat relay with the byte-exact tap and the
// mirror feed. Phases: options, signals, the relay (context, listeners,
// service loop), the demo strangers if asked, goodbye.
#include <csignal>
#include <cstdio>
#include <exception>
#include <memory>

#include <fmt/core.h>

#include "relay/options.h"
#include "relay/relay.h"

#ifdef WIRELAB_HAVE_DEMO
#include "relay/demo/demo.h"
#include "relay/inner/inner_server.h"
#endif

namespace {

// SIGINT/SIGTERM only set the relay's atomic flag; the interrupted poll()
// (and the 250 ms housekeeping tick) bring the service loop round to it.
extern "C" void on_signal(int /*sig*/) { relay::Relay::request_stop(); }

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;   // no SA_RESTART: poll() returns EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int main(int argc, char** argv) {
  // 1. Options
  relay::ParsedOptions parsed = relay::parse_options(argc, argv);
  if (parsed.exit_code) return *parsed.exit_code;
  const relay::Options options = parsed.options;

  // 2. Signals
  install_signals();

  try {
    // 3. The relay
    relay::Relay relay(options);

    // 4. The demo strangers, once the port is known (their threads must not take our signals)
#ifdef WIRELAB_HAVE_DEMO
    std::unique_ptr<relay::demo::Demo> demo;
    if (options.demo) {
      relay.on_listening = [&demo, &options, &relay](int port) {
        relay::demo::Options d;
        d.port = static_cast<std::uint16_t>(port);
        d.deterministic = options.deterministic;
        d.tls = options.tls();
        d.rounds = options.demo_rounds;
        relay::MirrorHub& hub = relay.hub();
        const bool capturing = !options.capture.empty();   // a capture file is an audience too
        d.audience = [&hub, capturing] { return capturing || hub.subscribers_any_thread() > 0; };
        d.audience_wait = std::chrono::milliseconds(static_cast<long>(options.demo_wait_secs * 1000));
        relay::InnerServer& inner = relay.inner();
        d.humans_chatting = [&inner] { return inner.humans_chatting_any_thread() > 0; };
        sigset_t block, old;
        sigemptyset(&block);
        sigaddset(&block, SIGINT);
        sigaddset(&block, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &block, &old);
        demo = std::make_unique<relay::demo::Demo>(d);
        demo->start();
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
      };
      relay.on_stopping = [&demo] {
        if (demo) demo->stop();
      };
    }
#else
    if (options.demo) fmt::print(stderr, "wirelab-relay: --demo: this build has no demo (relay/demo missing)\n");
#endif

    // 5. Serve until SIGINT/SIGTERM, then goodbye
    return relay.run();
  } catch (const std::exception& e) {
    fmt::print(stderr, "wirelab-relay: {}\n", e.what());
    return 1;
  }
}
