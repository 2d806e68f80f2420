// wirelab-inspect capture FILE --stats: the figures a lecture quotes, measured
// from a capture's bytes: HTTP head sizes, frame header sizes and length
// forms, the Upgrade, and the wire bytes one chat message costs per transport.
// slides/ builds its numbers from this output, so a slide never carries a
// typed-in measurement.
//
// A chat message has two legs, counted as the visualizer's Polling scene does:
//   send     WebSocket: the c2s text frame {"type":"say"};
//            long-poll: POST /poll/send with that body plus its 204.
//   delivery WebSocket: the s2c text frame {"type":"said"};
//            long-poll: GET /poll/recv plus the 200 whose JSON array holds
//            the said (a batch of k saids counts k deliveries).
// Per-message bytes = mean send leg + mean delivery leg. Only the JSON `type`
// is read from a payload; message text is never printed.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <span>

#include "commands.h"
#include "wire/deflate.h"
#include "wire/events.h"
#include "wire/handshake.h"
#include "wire/http.h"
#include "wire/mask.h"

namespace inspect {

namespace {

using Json = nlohmann::json;

struct Summary {   // min / max / mean of a series of sizes
  std::uint64_t n = 0, sum = 0, min = 0, max = 0;
  void add(std::uint64_t v) {
    min = n == 0 ? v : std::min(min, v);
    max = n == 0 ? v : std::max(max, v);
    sum += v;
    ++n;
  }
  double mean() const { return n ? static_cast<double>(sum) / static_cast<double>(n) : 0.0; }
  Json json() const { return {{"count", n}, {"min", min}, {"max", max}, {"mean", mean()}}; }
};

struct Leg {   // one leg of a chat message on one transport
  std::uint64_t count = 0, header_bytes = 0, payload_bytes = 0;
  double header_mean() const { return count ? static_cast<double>(header_bytes) / static_cast<double>(count) : 0.0; }
  double payload_mean() const { return count ? static_cast<double>(payload_bytes) / static_cast<double>(count) : 0.0; }
};

struct TransportFigures {
  Leg send, delivery;
  std::uint64_t total_bytes = 0;   // every byte on this transport's connections
  double header_per_message() const { return send.header_mean() + delivery.header_mean(); }
  double bytes_per_message() const {
    return header_per_message() + send.payload_mean() + delivery.payload_mean();
  }
  Json json() const {
    return {{"sends", send.count},
            {"deliveries", delivery.count},
            {"send_bytes_mean", send.header_mean() + send.payload_mean()},
            {"delivery_bytes_mean", delivery.header_mean() + delivery.payload_mean()},
            {"header_bytes_per_message", header_per_message()},
            {"bytes_per_message", bytes_per_message()},
            {"total_bytes", total_bytes}};
  }
};

Json parse_json(std::span<const std::uint8_t> bytes) {
  const auto* p = reinterpret_cast<const char*>(bytes.data());
  return Json::parse(p, p + bytes.size(), nullptr, /*allow_exceptions=*/false);
}

std::string type_of(const Json& j) {
  if (!j.is_object()) return {};
  const auto it = j.find("type");
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

std::string path_of(const wire::Http& h) {
  const auto line = wire::parse_request_line(h.start_line);
  return line ? line->target.substr(0, line->target.find('?')) : std::string{};
}

enum class Role : std::uint8_t { other, websocket, long_poll };
enum class ReqKind : std::uint8_t { other, say, recv };
struct Pending { ReqKind kind = ReqKind::other; std::uint64_t bytes = 0, head = 0; };
struct Conn {
  Role role = Role::other;
  std::deque<Pending> pending;                      // requests waiting for their response (RFC 9112 9.3)
  std::optional<wire::PerMessageInflater> inflate[2];   // c2s, s2c: set when the 101 agreed permessage-deflate
};

class Collector {
 public:
  void add(const wire::Event& e) {
    if (const auto* h = std::get_if<wire::Http>(&e.body)) on_http(*h);
    if (const auto* f = std::get_if<wire::Frame>(&e.body)) on_frame(*f);
    if (const auto* c = std::get_if<wire::Close>(&e.body)) conns_.erase(c->conn);
  }
  Json json(const std::string& file, std::size_t events) const;

 private:
  void on_http(const wire::Http& h);
  void on_response(Conn& c, const wire::Http& h, std::uint64_t head);
  void on_frame(const wire::Frame& f);

  std::map<std::uint64_t, Conn> conns_;
  Summary request_head_, request_fields_, response_head_, poll_request_head_, poll_request_fields_;
  Summary frame_header_[2];          // c2s, s2c
  std::map<std::string, std::uint64_t> length_forms_;
  std::uint64_t rsv1_frames_ = 0, data_payload_wire_ = 0, data_payload_clear_ = 0;
  Json upgrade_ = nullptr;           // the first Upgrade and its 101
  TransportFigures ws_, poll_;
};

void Collector::on_http(const wire::Http& h) {
  Conn& c = conns_[h.conn];
  const std::uint64_t head = wire::head_length(h);
  const std::uint64_t bytes = head + h.body_len;
  if (h.dir == wire::Direction::s2c) return on_response(c, h, head);
  request_head_.add(head);
  request_fields_.add(h.headers.size());
  Pending req{ReqKind::other, bytes, head};
  const std::string path = path_of(h);
  if (path.rfind("/poll/", 0) == 0) {
    c.role = Role::long_poll;
    poll_request_head_.add(head);
    poll_request_fields_.add(h.headers.size());
    poll_.total_bytes += bytes;
    const auto body = std::span<const std::uint8_t>(h.bytes).subspan(std::min<std::size_t>(head, h.bytes.size()));
    if (path == "/poll/recv") req.kind = ReqKind::recv;
    if (path == "/poll/send" && !h.truncated && type_of(parse_json(body)) == "say") req.kind = ReqKind::say;
  } else if (wire::header_has_token(h.headers, "upgrade", "websocket")) {   // RFC 6455 4.1
    c.role = Role::websocket;
    ws_.total_bytes += bytes;
    if (upgrade_.is_null()) {
      upgrade_ = {{"request_head_bytes", head}, {"request_fields", h.headers.size()},
                  {"key", wire::find_header(h.headers, "sec-websocket-key").value_or("")}};
    }
  }
  if (c.pending.size() < 64) c.pending.push_back(req);
}

void Collector::on_response(Conn& c, const wire::Http& h, std::uint64_t head) {
  response_head_.add(head);
  Pending req;
  if (!c.pending.empty()) {
    req = c.pending.front();
    c.pending.pop_front();
  }
  if (c.role == Role::websocket) {
    ws_.total_bytes += head + h.body_len;
    if (upgrade_.is_object() && !upgrade_.contains("response_head_bytes")) {
      upgrade_["response_head_bytes"] = head;
      upgrade_["response_fields"] = h.headers.size();
      upgrade_["accept"] = wire::find_header(h.headers, "sec-websocket-accept").value_or("");
    }
    const auto ext = wire::find_header(h.headers, "sec-websocket-extensions");
    const auto agreed = wire::parse_permessage_deflate(ext.value_or(""));
    if (agreed && agreed->has_value()) {
      c.inflate[0].emplace(wire::PerMessageInflater::for_direction(**agreed, wire::Direction::c2s));
      c.inflate[1].emplace(wire::PerMessageInflater::for_direction(**agreed, wire::Direction::s2c));
    }
    return;
  }
  if (c.role != Role::long_poll) return;
  poll_.total_bytes += head + h.body_len;
  if (req.kind == ReqKind::say) {
    ++poll_.send.count;
    poll_.send.header_bytes += req.head + head;
    poll_.send.payload_bytes += (req.bytes - req.head) + h.body_len;
    return;
  }
  if (req.kind != ReqKind::recv || h.truncated) return;
  const Json arr = parse_json(std::span<const std::uint8_t>(h.bytes).subspan(std::min<std::size_t>(head, h.bytes.size())));
  if (!arr.is_array()) return;
  const auto saids = static_cast<std::uint64_t>(
      std::count_if(arr.begin(), arr.end(), [](const Json& m) { return type_of(m) == "said"; }));
  if (saids == 0) return;   // an idle poll, or one with only typing: in the totals only
  poll_.delivery.count += saids;
  poll_.delivery.header_bytes += req.head + head;
  poll_.delivery.payload_bytes += (req.bytes - req.head) + h.body_len;
}

void Collector::on_frame(const wire::Frame& f) {
  frame_header_[f.dir == wire::Direction::c2s ? 0 : 1].add(f.header.size());
  ++length_forms_[f.payload_len <= 125 ? "7-bit" : f.payload_len <= 0xFFFF ? "16-bit" : "64-bit"];   // RFC 6455 5.2
  Conn& c = conns_[f.conn];
  if (c.role != Role::websocket) return;
  ws_.total_bytes += f.header.size() + f.payload_len;
  const auto op = static_cast<wire::Opcode>(f.opcode);
  if (!f.fin || op != wire::Opcode::text || f.truncated) return;
  wire::Bytes clear = f.payload;
  if (f.mask_key) {   // RFC 6455 5.3: the key is big-endian on the wire
    const std::uint32_t k = *f.mask_key;
    wire::apply_mask(clear, {static_cast<std::uint8_t>(k >> 24), static_cast<std::uint8_t>(k >> 16),
                             static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)});
  }
  auto& inflater = c.inflate[f.dir == wire::Direction::c2s ? 0 : 1];
  if ((f.rsv & 0b100) && inflater) {   // RFC 7692 6: RSV1 marks a compressed message
    ++rsv1_frames_;
    auto inflated = inflater->inflate_message(clear);
    if (!inflated) return;
    data_payload_wire_ += f.payload_len;
    data_payload_clear_ += inflated->size();
    clear = std::move(*inflated);
  }
  const std::string type = type_of(parse_json(clear));
  Leg* leg = f.dir == wire::Direction::c2s && type == "say"   ? &ws_.send
             : f.dir == wire::Direction::s2c && type == "said" ? &ws_.delivery
                                                                : nullptr;
  if (leg == nullptr) return;
  ++leg->count;
  leg->header_bytes += f.header.size();
  leg->payload_bytes += f.payload_len;
}

Json Collector::json(const std::string& file, std::size_t events) const {
  Json forms = Json::object();
  for (const auto& [name, n] : length_forms_) forms[name] = n;
  Json j = {{"file", file},
            {"events", events},
            {"http", {{"request_head_bytes", request_head_.json()},
                      {"request_fields", request_fields_.json()},
                      {"response_head_bytes", response_head_.json()},
                      {"poll_request_head_bytes", poll_request_head_.json()},
                      {"poll_request_fields", poll_request_fields_.json()}}},
            {"frames", {{"c2s_header_bytes", frame_header_[0].json()},
                        {"s2c_header_bytes", frame_header_[1].json()},
                        {"length_forms", forms},
                        {"rsv1_text_frames", rsv1_frames_},
                        {"deflated_payload_bytes", data_payload_wire_},
                        {"inflated_payload_bytes", data_payload_clear_}}},
            {"upgrade", upgrade_},
            {"websocket", ws_.json()},
            {"long_poll", poll_.json()}};
  const double w = ws_.bytes_per_message();
  j["long_poll_to_websocket"] =
      w > 0 && poll_.delivery.count > 0 ? Json(poll_.bytes_per_message() / w) : Json(nullptr);
  return j;
}

std::string text_report(const Json& j) {
  const auto& ws = j["websocket"];
  const auto& lp = j["long_poll"];
  std::string s = fmt::format("{}: {} events\n", j["file"].get<std::string>(), j["events"].get<std::size_t>());
  s += fmt::format("  HTTP request heads: mean {:.0f} bytes, {:.1f} header fields (long-poll requests: {:.0f} bytes)\n",
                   j["http"]["request_head_bytes"]["mean"].get<double>(),
                   j["http"]["request_fields"]["mean"].get<double>(),
                   j["http"]["poll_request_head_bytes"]["mean"].get<double>());
  s += fmt::format("  frame headers: client {}-{} bytes, server {}-{} bytes\n",
                   j["frames"]["c2s_header_bytes"]["min"].get<std::uint64_t>(),
                   j["frames"]["c2s_header_bytes"]["max"].get<std::uint64_t>(),
                   j["frames"]["s2c_header_bytes"]["min"].get<std::uint64_t>(),
                   j["frames"]["s2c_header_bytes"]["max"].get<std::uint64_t>());
  s += fmt::format("  per chat message: WebSocket {:.1f} bytes ({} sent, {} delivered), long-poll {:.1f} bytes ({} sent, {} delivered)\n",
                   ws["bytes_per_message"].get<double>(), ws["sends"].get<std::uint64_t>(),
                   ws["deliveries"].get<std::uint64_t>(), lp["bytes_per_message"].get<double>(),
                   lp["sends"].get<std::uint64_t>(), lp["deliveries"].get<std::uint64_t>());
  return s;
}

}  // namespace

int print_capture_stats(const CaptureOptions& o, const std::vector<wire::Event>& events, std::ostream& out) {
  Collector c;
  for (const auto& e : events) c.add(e);
  const Json j = c.json(o.file, events.size());
  out << (o.json ? j.dump(2) + "\n" : text_report(j));
  return kOk;
}

}  // namespace inspect
