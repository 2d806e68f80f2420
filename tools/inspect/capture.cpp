// wirelab-inspect capture FILE: one line per mirror event (seq, time, conn,
// direction, kind, summary), and --pcapng OUT to open it in Wireshark.
// Payloads are summarised by opcode and length only: chat text is never
// printed (relay/README.md "Privacy promise").
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <nlohmann/json.hpp>
#include <type_traits>

#include "commands.h"
#include "wire/capture.h"
#include "wire/close_code.h"
#include "wire/events.h"
#include "wire/frame.h"
#include "wire/pcapng.h"

namespace inspect {

namespace {

struct Line {
  std::string conn = "";     // "#3" or ""
  std::string dir = "";      // "→" client to server, "←" server to client
  std::string summary;
};

const char* arrow(wire::Direction d) { return d == wire::Direction::c2s ? "→" : "←"; }
const char* dir_name(wire::Direction d) { return d == wire::Direction::c2s ? "c2s" : "s2c"; }

std::string conn_id(std::uint64_t c) { return fmt::format("#{}", c); }

Line summarise(const wire::EventBody& body) {
  return std::visit(
      [](const auto& e) -> Line {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, wire::Hello>) {
          return {"", "", fmt::format("v{} {} tap={} deterministic={} open connections: {}", e.version, e.relay,
                                      e.tap, e.deterministic, e.connections.size())};
        } else if constexpr (std::is_same_v<T, wire::Open>) {
          return {conn_id(e.conn), "", e.transport == wire::Transport::tls ? "opened (tls)" : "opened (tcp)"};
        } else if constexpr (std::is_same_v<T, wire::Close>) {
          return {conn_id(e.conn), "",
                  fmt::format("closed by {}{}", e.by == wire::ClosedBy::client ? "client" : "relay",
                              e.code ? ", " + wire::close_code_name(*e.code) : ", no close frame")};
        } else if constexpr (std::is_same_v<T, wire::Http>) {
          return {conn_id(e.conn), arrow(e.dir),
                  fmt::format("{}  ({} headers, {} body bytes)", e.start_line, e.headers.size(), e.body_len)};
        } else if constexpr (std::is_same_v<T, wire::Frame>) {
          const auto op = static_cast<wire::Opcode>(e.opcode & 0x0F);
          std::string s = fmt::format("{}{} len {}", wire::opcode_name(op), e.fin ? "" : " (not fin)", e.payload_len);
          if (e.rsv) s += fmt::format(" rsv {:03b}", e.rsv);
          s += e.mask_key ? " masked " + wire::mask_key_hex(*e.mask_key) : " unmasked";
          if (e.truncated) s += " (payload truncated)";
          return {conn_id(e.conn), arrow(e.dir), s};
        } else if constexpr (std::is_same_v<T, wire::Raw>) {
          return {conn_id(e.conn), arrow(e.dir), fmt::format("{} bytes that do not parse: {}", e.bytes.size(), e.why)};
        } else if constexpr (std::is_same_v<T, wire::Violation>) {
          return {conn_id(e.conn), "", fmt::format("{} -> {}", e.rule, e.action)};
        } else if constexpr (std::is_same_v<T, wire::Chat>) {
          return {conn_id(e.conn), "",
                  fmt::format("{} {}{}", e.event, e.who, e.peer.empty() ? "" : " with " + e.peer)};
        } else {
          return {"", "", fmt::format("{} events dropped (subscriber too slow)", e.count)};
        }
      },
      body);
}

std::optional<wire::Direction> direction_of(const wire::EventBody& body) {
  if (auto* h = std::get_if<wire::Http>(&body)) return h->dir;
  if (auto* f = std::get_if<wire::Frame>(&body)) return f->dir;
  if (auto* r = std::get_if<wire::Raw>(&body)) return r->dir;
  return std::nullopt;
}

}  // namespace

int run_capture(const CaptureOptions& o, std::ostream& out, std::ostream& err) {
  auto events = wire::read_capture_file(o.file);
  if (!events) {
    err << "wirelab-inspect capture: " << o.file << ": " << events.error().rule << ": " << events.error().reason
        << "\n";
    return kUsage;
  }
  if (o.stats) return print_capture_stats(o, *events, out);
  for (const auto& e : *events) {
    const Line l = summarise(e.body);
    const char* kind = wire::kind_name(e.body);
    if (o.json) {
      nlohmann::json j = {{"seq", e.seq}, {"t_us", e.t_us}, {"kind", kind}, {"summary", l.summary}};
      j["conn"] = l.conn.empty() ? nlohmann::json(nullptr) : nlohmann::json(l.conn);
      const auto d = direction_of(e.body);
      j["dir"] = d ? nlohmann::json(dir_name(*d)) : nlohmann::json(nullptr);
      out << j.dump() << "\n";
    } else {
      fmt::print(out, "{:>6}  {:>12.6f}s  {:<5} {:<2} {:<9} {}\n", e.seq, static_cast<double>(e.t_us) / 1e6, l.conn,
                 l.dir.empty() ? " " : l.dir, kind, l.summary);
    }
  }
  if (!o.pcapng_out.empty()) {
    auto written = wire::write_pcapng_file(o.pcapng_out, *events);
    if (!written) {
      err << "wirelab-inspect capture: " << written.error().reason << "\n";
      return kUsage;
    }
    err << "wrote " << o.pcapng_out << " (" << events->size()
        << " events); open it with: wireshark " << o.pcapng_out << "\n";
  }
  return kOk;
}

}  // namespace inspect
