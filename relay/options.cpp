// Command line of wirelab-relay (CLI11). --help lists every flag and default.
#include "relay/options.h"

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <string>
#include <utility>

namespace relay {

bool is_loopback(const std::string& address) {
  return address == "localhost" || address == "::1" || address.rfind("127.", 0) == 0;
}

namespace {

// --delay-ms / --jitter-ms: why a value is refused, or "".
std::string check_link(const Options& o) {
  for (const auto& [flag, ms] : {std::pair{"--delay-ms", o.delay_ms}, std::pair{"--jitter-ms", o.jitter_ms}}) {
    if (ms < 0 || ms > 5000) {
      return fmt::format("{} {}: must be 0..5000 ms (a server on another continent is about 100; more than 5 s "
                         "would trip the browsers' and the relay's own timeouts)",
                         flag, ms);
    }
  }
  if ((o.delay_ms > 0 || o.jitter_ms > 0) && !o.tap) {
    return "--delay-ms/--jitter-ms need the tap: the edge holds the bytes (drop --no-tap)";
  }
  return {};
}

// --upstream HOST:PORT ("[::1]:PORT" for an IPv6 address): why it is refused, or "".
std::string parse_upstream(const std::string& text, Options& o) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return fmt::format("--upstream {}: expected HOST:PORT, e.g. 127.0.0.1:8765 or [::1]:8765", text);
  }
  std::string host = text.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  else if (host.find(':') != std::string::npos) return fmt::format("--upstream {}: write an IPv6 address as [ADDR]:PORT", text);
  const std::string port = text.substr(colon + 1);
  unsigned long n = 0;
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      (n = std::stoul(port)) == 0 || n > 65535) {
    return fmt::format("--upstream {}: the port must be 1..65535", text);
  }
  o.upstream_host = host;
  o.upstream_port = static_cast<std::uint16_t>(n);
  return {};
}

// --upstream's company: the flags that only mean something for the relay's own server.
std::string check_upstream(const Options& o) {
  if (!o.upstream()) return o.enforce ? "--enforce goes with --upstream (the relay's own server always enforces)" : "";
  if (!o.tap) return "--upstream needs the tap: the edge is what connects to the upstream (drop --no-tap)";
  if (o.demo) return "--demo needs the relay's own chat, which --upstream does not serve";
  if (o.permessage_deflate) return "--permessage-deflate is offered by the relay's own server; behind --upstream "
                                   "the upstream server decides";
  return {};
}

}  // namespace

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  CLI::App app{
      "wirelab-relay: an anonymous chat over WebSocket and long-polling whose every byte is mirrored\n"
      "to the visualizer. Nothing is stored: messages exist only in bounded queues while in transit."};
  app.get_formatter()->column_width(34);

  app.add_option("--bind", o.bind, "Address of the chat port (0.0.0.0 to let a classroom in)")->capture_default_str();
  app.add_option("--port", o.port, "Chat port: /, /chat, /echo, /poll/*, /metrics, /healthz (0 = pick a free port)")
      ->capture_default_str();
  app.add_option("--mirror-bind", o.mirror_bind, "Address of the mirror listener (not loopback: needs --mirror-token)")
      ->capture_default_str();
  app.add_option("--mirror-port", o.mirror_port, "Mirror port, ws://ADDR:PORT/mirror (0 = pick a free port)")
      ->capture_default_str();
  app.add_option("--mirror-token", o.mirror_token, "Token subscribers must send as /mirror?token=T");
  app.add_option("--mirror-max-payload", o.mirror_max_payload,
                 "Frame payload bytes put in a mirror event; the rest is cut and marked truncated")
      ->capture_default_str();
  app.add_option("--mirror-queue-events", o.mirror_queue_events,
                 "Events queued per mirror subscriber before it gets `dropped`")->capture_default_str();
  app.add_option("--mirror-queue-bytes", o.mirror_queue_bytes,
                 "Bytes queued per mirror subscriber before it gets `dropped`")->capture_default_str();
  bool no_tap = false;
  app.add_flag("--no-tap", no_tap,
               "Serve the chat without the byte tap (for measurement): no http/frame events, and unmasked "
               "client frames are NOT closed with 1002 (libwebsockets 4.1 accepts them)");
  app.add_option("--event-loop", o.event_loop,
                 "What waits on the sockets: epoll (libev; cost independent of idle connections) or poll "
                 "(libwebsockets' own loop, which walks every descriptor on every wake-up)")
      ->capture_default_str()
      ->check(CLI::IsMember({"epoll", "poll"}));
  app.add_flag("--demo", o.demo, "Start two scripted strangers (one WebSocket, one long-polling) after listening");
  app.add_option("--demo-rounds", o.demo_rounds, "Demo rounds before both strangers leave (0 = until stopped)")
      ->capture_default_str();
  app.add_option("--demo-wait", o.demo_wait_secs,
                 "Seconds the demo waits for a first mirror subscriber, so a visualizer sees its first byte")
      ->capture_default_str();
  app.add_flag("--deterministic", o.deterministic,
               "Fixed labels seed, demo key/masks/timing: two runs' captures differ only in t_us");
  app.add_option("--capture", o.capture, "Write every mirror event to FILE (JSON lines). Chat text is written too!");
  app.add_flag("--redact", o.redact,
               "Mirror and capture carry no payload bytes (payload empty, truncated=true; lengths, headers, "
               "mask keys kept)");
  app.add_flag("--permessage-deflate", o.permessage_deflate,
               "Offer permessage-deflate (RFC 7692) on /chat and /echo: frames then carry RSV1 and compressed "
               "payloads (off by default, so the frames on screen stay readable)");
  app.add_option("--tls-cert", o.tls_cert, "PEM certificate: serve https/wss on --port (see scripts/dev-cert)")
      ->check(CLI::ExistingFile);
  app.add_option("--tls-key", o.tls_key, "PEM private key for --tls-cert")->check(CLI::ExistingFile);
  app.add_option("--max-conns-per-addr", o.max_conns_per_addr, "Connections per client address; more get 503")
      ->capture_default_str();
  app.add_option("--echo-max-message", o.echo_max_message, "Largest /echo message in bytes; larger closes 1009")
      ->capture_default_str();
  app.add_option("--chat-max-message", o.chat_max_message, "Largest /chat message in bytes; larger closes 1009")
      ->capture_default_str();
  app.add_option("--chat-max-text", o.chat_max_text, "Longest `say` text in bytes (error too_long)")
      ->capture_default_str();
  app.add_option("--chat-rate", o.chat_rate, "Chat messages per second per connection (error rate_limited)")
      ->capture_default_str();
  app.add_option("--chat-burst", o.chat_burst, "Chat burst allowance per connection")->capture_default_str();
  app.add_option("--chat-max-queued", o.chat_max_queued, "Outgoing chat messages queued per connection")
      ->capture_default_str();
  app.add_option("--ping-secs", o.ping_secs, "WebSocket keepalive: ping after this many seconds without a message or pong from the client")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--hangup-secs", o.hangup_secs, "WebSocket keepalive: hang up after this many seconds without a message or pong")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--stall-secs", o.stall_secs,
                 "Drop a connection whose client takes no byte for this long while bytes wait for it")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--max-queued-bytes", o.max_queued_bytes,
                 "Bytes queued for all clients together (tap queues, /echo replies, chat); above it the largest "
                 "holders are closed 1013")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64 * 1024}, std::size_t{1} << 40));
  app.add_option("--delay-ms", o.delay_ms,
                 "Simulate a far-away server: hold every client connection's bytes this long in each direction, "
                 "0..5000 (the mirror's times are the client's; 0 = off)")
      ->capture_default_str();
  app.add_option("--jitter-ms", o.jitter_ms, "With --delay-ms: add a uniform 0..J ms per chunk, 0..5000 (order kept)")
      ->capture_default_str();
  app.add_option("--poll-hold-secs", o.poll_hold_secs, "Longest a /poll/recv is held before 204")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--poll-expiry-secs", o.poll_expiry_secs, "A long-poll session ends after this long without a recv")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  app.add_option("--poll-max-per-addr", o.poll_max_per_addr,
                 "Long-poll sessions per client address; more /poll/open get 503")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--poll-opens-per-sec-per-addr", o.poll_opens_per_sec_per_addr,
                 "/poll/open per second from one address (burst twice that); more get 429")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1e6));
  app.add_option("--poll-opens-per-sec", o.poll_opens_per_sec,
                 "/poll/open per second from everyone together (burst twice that); more get 429")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 1e6));
  std::string upstream;
  app.add_option("--upstream", upstream,
                 "Tap any TCP server instead of the relay's own: forward every client to HOST:PORT and mirror "
                 "every byte both ways (no chat served; rules broken by either side are shown, not enforced)");
  app.add_option("--upstream-connect-secs", o.upstream_connect_secs,
                 "With --upstream: a connect that takes longer has failed (the client gets 502)")
      ->capture_default_str()
      ->check(CLI::Range(1, 60));
  app.add_flag("--enforce", o.enforce,
               "With --upstream: close a connection on a broken rule (client or server) as the relay's own mode "
               "does");
  app.add_flag("-v,--verbose", o.verbose, "More logs (-vv adds libwebsockets notices); never chat text");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    parsed.exit_code = app.exit(e);
    return parsed;
  }
  o.tap = !no_tap;
  if (o.tls_cert.empty() != o.tls_key.empty()) {
    fmt::print(stderr, "wirelab-relay: --tls-cert and --tls-key go together\n");
    parsed.exit_code = 2;
  } else if (const std::string bad_upstream = upstream.empty() ? "" : parse_upstream(upstream, o);
             !bad_upstream.empty()) {
    fmt::print(stderr, "wirelab-relay: {}\n", bad_upstream);
    parsed.exit_code = 2;
  } else if (const std::string lonely = check_upstream(o); !lonely.empty()) {
    fmt::print(stderr, "wirelab-relay: {}\n", lonely);
    parsed.exit_code = 2;
  } else if (const std::string why = check_link(o); !why.empty()) {
    fmt::print(stderr, "wirelab-relay: {}\n", why);
    parsed.exit_code = 2;
  } else if (!is_loopback(o.mirror_bind) && o.mirror_token.empty()) {
    fmt::print(stderr, "wirelab-relay: --mirror-bind {} is not loopback: set --mirror-token\n", o.mirror_bind);
    parsed.exit_code = 2;
  }
  return parsed;
}

}  // namespace relay
