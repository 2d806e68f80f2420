// relay::Options: every flag of wirelab-relay with its default (CLI11 in
// options.cpp). One struct so the rest of the relay never sees argv.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace relay {

struct Options {
  // Listening
  std::string bind = "127.0.0.1";        // the chat port's address; 0.0.0.0 for a classroom
  std::uint16_t port = 7681;             // 0 picks a free port (printed)
  std::string mirror_bind = "127.0.0.1";
  std::uint16_t mirror_port = 7682;      // 0 picks a free port (printed)
  std::string mirror_token;              // required when mirror_bind is not loopback (?token=T)
  // Modes
  bool tap = true;                       // false: --no-tap (no frame events, no 1002 for unmasked frames)
  std::string event_loop = "epoll";      // --event-loop: epoll (libev) or poll (libwebsockets' own)
  bool demo = false;
  std::size_t demo_rounds = 0;        // 0 = until stopped
  double demo_wait_secs = 5;          // wait this long for a first mirror subscriber before the demo starts
  bool deterministic = false;
  std::string capture;                   // "" = no capture file (the default)
  bool redact = false;
  bool permessage_deflate = false;       // offer RFC 7692 on the inner vhost (frames then carry RSV1)
  std::string tls_cert, tls_key;
  // --upstream HOST:PORT: the tap stands in front of that TCP server instead
  // of the relay's own (no chat, /echo or long-poll served); --enforce closes
  // on a broken rule as the relay's own mode does (default: only reported).
  std::string upstream_host;             // "" = the relay's own server (the default)
  std::uint16_t upstream_port = 0;
  bool enforce = false;
  int upstream_connect_secs = 5;         // a connect to the upstream that takes longer has failed (502)
  // Mirror limits
  std::size_t mirror_max_payload = 64 * 1024;
  std::size_t mirror_queue_events = 10'000;
  std::size_t mirror_queue_bytes = 16 * 1024 * 1024;
  // Relay limits
  std::size_t max_conns_per_addr = 64;
  std::size_t echo_max_message = 64 * 1024;
  std::size_t chat_max_message = 4 * 1024;
  std::size_t chat_max_text = 2000;
  double chat_rate = 10;
  double chat_burst = 20;
  std::size_t chat_max_queued = 256;
  int ping_secs = 30;
  int hangup_secs = 60;
  int stall_secs = 20;                   // drop a client that takes no byte for this long while bytes wait
  std::size_t max_queued_bytes = 64 * 1024 * 1024;   // relay-wide bytes queued for clients; above: cut the largest
  int delay_ms = 0;                      // --delay-ms: the edge holds every byte this long, each direction
  int jitter_ms = 0;                     // --jitter-ms: plus a uniform 0..J ms per chunk (order kept)
  int poll_hold_secs = 25;
  int poll_expiry_secs = 60;
  std::size_t poll_max_per_addr = 16;      // long-poll sessions per client address; more get 503
  double poll_opens_per_sec_per_addr = 5;  // /poll/open per second per address (burst 2x); more get 429
  double poll_opens_per_sec = 100;         // /poll/open per second, relay-wide (burst 2x)
  int verbose = 0;                       // -v: more logs (still no chat text); -vv: lws notices

  bool tls() const { return !tls_cert.empty(); }
  bool upstream() const { return !upstream_host.empty(); }
};

// Parses argv. Returns the options, or the process exit code when parsing
// ended the run (--help: 0, a bad flag: 2 after printing why).
struct ParsedOptions {
  Options options;
  std::optional<int> exit_code;
};
ParsedOptions parse_options(int argc, char** argv);

// True for 127.0.0.0/8, ::1 and "localhost".
bool is_loopback(const std::string& address);

}  // namespace relay
