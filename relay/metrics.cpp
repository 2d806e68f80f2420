// Prometheus text exposition for GET /metrics.
#include "relay/metrics.h"

#include <initializer_list>

#include <fmt/core.h>

namespace relay {

const char* carrier_name(Carrier c) {
  switch (c) {
    case Carrier::websocket: return "websocket";
    case Carrier::long_poll: return "long_poll";
    case Carrier::http: return "http";
  }
  return "http";
}

void Metrics::message(Carrier c, wire::Direction d, std::size_t payload_bytes) {
  ++messages_[index(c, d)];
  payload_bytes_[index(c, d)] += payload_bytes;
}

void Metrics::wire_bytes(Carrier c, wire::Direction d, std::size_t bytes) { wire_bytes_[index(c, d)] += bytes; }

void Metrics::violation(const std::string& rule) { ++violations_[rule]; }

std::uint64_t Metrics::violations(const std::string& rule) const {
  auto it = violations_.find(rule);
  return it == violations_.end() ? 0 : it->second;
}

namespace {
// Label values are our own fixed strings or RFC rule texts: escape \ " and newline anyway.
std::string escape_label(const std::string& v) {
  std::string out;
  for (char ch : v) {
    if (ch == '\\' || ch == '"') out += '\\';
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out += ch;
  }
  return out;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}
}  // namespace

std::string Metrics::render(const Gauges& g) const {
  std::string out;
  family(out, "wirelab_connections", "gauge", "Open client connections by transport (tcp or tls).");
  out += fmt::format("wirelab_connections{{transport=\"tcp\"}} {}\n", g.tcp_connections);
  out += fmt::format("wirelab_connections{{transport=\"tls\"}} {}\n", g.tls_connections);
  family(out, "wirelab_chat_participants", "gauge", "Chat participants by transport.");
  out += fmt::format("wirelab_chat_participants{{transport=\"websocket\"}} {}\n", g.websocket_participants);
  out += fmt::format("wirelab_chat_participants{{transport=\"long_poll\"}} {}\n", g.long_poll_participants);
  // Families of one unlabelled sample each.
  struct Single {
    const char* name;
    const char* type;
    const char* help;
    std::uint64_t value;
  };
  const auto singles = [&out](std::initializer_list<Single> list) {
    for (const Single& m : list) {
      family(out, m.name, m.type, m.help);
      out += fmt::format("{} {}\n", m.name, m.value);
    }
  };
  singles({
      {"wirelab_websockets_open", "gauge", "Open WebSocket connections (/chat and /echo).", g.websockets_open},
      {"wirelab_poll_sessions", "gauge", "Open long-poll sessions.", g.poll_sessions},
      {"wirelab_polls_held", "gauge", "GET /poll/recv requests being held.", g.polls_held},
  });

  const Carrier carriers[] = {Carrier::websocket, Carrier::long_poll, Carrier::http};
  const wire::Direction dirs[] = {wire::Direction::c2s, wire::Direction::s2c};
  auto per = [&](const char* name, const char* help, const std::array<std::uint64_t, 6>& v, bool with_http) {
    family(out, name, "counter", help);
    for (Carrier c : carriers) {
      if (c == Carrier::http && !with_http) continue;
      for (wire::Direction d : dirs) {
        out += fmt::format("{}{{transport=\"{}\",dir=\"{}\"}} {}\n", name, carrier_name(c),
                           d == wire::Direction::c2s ? "c2s" : "s2c", v[index(c, d)]);
      }
    }
  };
  per("wirelab_messages_total", "Application messages by transport and direction.", messages_, false);
  per("wirelab_payload_bytes_total", "Application payload bytes by transport and direction.", payload_bytes_, false);
  per("wirelab_wire_bytes_total",
      "Bytes on the wire (frame headers and payloads, HTTP heads and bodies) seen by the tap; 0 with --no-tap.",
      wire_bytes_, true);
  family(out, "wirelab_poll_opens_refused_total", "counter", "POST /poll/open refused, by reason (503 or 429).");
  for (const auto& [reason, n] : {std::pair{"store_full", g.poll_refused_store_full},
                                  std::pair{"address_full", g.poll_refused_address_full},
                                  std::pair{"address_rate", g.poll_refused_address_rate},
                                  std::pair{"relay_rate", g.poll_refused_relay_rate}}) {
    out += fmt::format("wirelab_poll_opens_refused_total{{reason=\"{}\"}} {}\n", reason, n);
  }
  family(out, "wirelab_violations_total", "counter", "Protocol violations answered by the relay, by RFC rule.");
  for (const auto& [rule, n] : violations_) {
    out += fmt::format("wirelab_violations_total{{rule=\"{}\"}} {}\n", escape_label(rule), n);
  }
  singles({
      {"wirelab_http_requests_total", "counter", "HTTP requests answered (not counting upgrades).", http_requests_},
      {"wirelab_rejected_over_cap_total", "counter", "Connections answered 503: too many from one address.",
       g.over_cap_rejected},
      {"wirelab_poll_wrong_address_total", "counter",
       "Long-poll requests with a live session id from another address (answered 404 unknown_session).",
       g.poll_wrong_address},
      {"wirelab_stalled_dropped_total", "counter",
       "Connections dropped: bytes waited --stall-secs for a client that took none.", g.stalled_dropped},
      {"wirelab_over_budget_cut_total", "counter",
       "Connections cut with 1013: the largest holders while the relay held more than --max-queued-bytes.",
       g.over_budget_cut},
      {"wirelab_queued_bytes", "gauge",
       "Bytes queued for clients now (tap queues, /echo replies, chat outgoing).", g.queued_bytes},
      {"wirelab_keepalive_watched", "gauge", "WebSockets whose silence the keepalive watches (--ping-secs).",
       g.keepalive_watched},
      {"wirelab_keepalive_pings_total", "counter", "Keepalive pings sent to silent WebSockets.", g.keepalive_pings},
      {"wirelab_keepalive_hang_ups_total", "counter", "WebSockets hung up: silent for --hangup-secs.",
       g.keepalive_hang_ups},
      {"wirelab_accept_errors_total", "counter",
       "accept() failures (errno 24: out of descriptors; lws then pauses accepting).", g.accept_errors},
      {"wirelab_descriptor_limit", "gauge", "RLIMIT_NOFILE (soft) of the relay process.", g.descriptor_limit},
      {"wirelab_open_descriptors", "gauge", "Descriptors the relay process has open.", g.open_descriptors},
      {"wirelab_mirror_subscribers", "gauge", "Connected mirror subscribers.", g.mirror_subscribers},
      {"wirelab_mirror_events_total", "counter", "Mirror events published.", g.mirror_events},
      {"wirelab_mirror_dropped_total", "counter", "Mirror events dropped for slow subscribers.", g.mirror_dropped},
      {"wirelab_mirror_handshakes_kept", "gauge", "Open connections whose HTTP messages are tracked for hello's handshakes.",
       g.mirror_handshakes_kept},
      {"wirelab_mirror_handshakes_not_kept_total", "counter", "Upgrade messages not kept for hello (a bound reached).",
       g.mirror_handshakes_not_kept},
      {"wirelab_chat_said_total", "counter", "Chat `said` messages delivered to recipients' queues.", g.chat_said},
      {"wirelab_chat_dropped_outgoing_total", "counter", "Chat messages dropped from full outgoing queues.",
       g.chat_dropped_outgoing},
      {"wirelab_chat_rate_limited_total", "counter", "Chat messages refused by the rate limit.", g.chat_rate_limited},
      {"wirelab_chat_bad_messages_total", "counter", "Chat messages answered error bad_message.",
       g.chat_bad_messages},
      {"wirelab_tls_records_total", "counter", "TLS records the tap observed on --tls-cert connections.",
       tls_records_},
      {"wirelab_tls_records_summarised_total", "counter",
       "TLS records folded into one summary tls_record event (more than the per-connection rate).",
       tls_records_summarised_},
  });
  return out;
}

}  // namespace relay
