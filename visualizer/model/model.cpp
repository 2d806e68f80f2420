// The model: appends mirror events, derives what scenes need through wire
// (frame headers, unmasked payloads, HTTP pairing, violations), tracks
// connections, strangers and pairings, and keeps the log bounded.
#include "model/model.h"
#include "model/engineio_view.h"
#include "model/model_state.h"

#include <algorithm>

#include "wire/http.h"
#include "wire/query.h"
#include "wire/mask.h"

#if __has_include("model/stats.h")
#include "model/stats.h"
#define WIRELAB_VIZ_HAVE_STATS 1
#else
namespace viz {
class Stats {};   // V2's statistics are not in the tree yet
}  // namespace viz
#define WIRELAB_VIZ_HAVE_STATS 0
#endif

namespace viz {

const char* unit_kind_name(UnitKind k) {
  switch (k) {
    case UnitKind::http: return "HTTP";
    case UnitKind::text: return "text";
    case UnitKind::binary: return "binary";
    case UnitKind::control: return "control";
    case UnitKind::close: return "close";
    case UnitKind::raw: return "raw";
    case UnitKind::meta: return "event";
    case UnitKind::violation: return "violation";
    case UnitKind::tls: return "TLS";
  }
  return "?";
}

const char* conn_role_name(ConnRole r) {
  switch (r) {
    case ConnRole::unknown: return "?";
    case ConnRole::websocket: return "WebSocket";
    case ConnRole::long_poll: return "long-poll";
    case ConnRole::http: return "HTTP";
  }
  return "?";
}

Model::Model(ModelLimits limits)
    : limits_(limits), stats_(std::make_unique<Stats>()), derive_(std::make_unique<Derive>()) {}

Model::~Model() = default;

void Model::clear() {
  entries_.clear();
  conns_.clear();
  pairings_.clear();
  hello_.reset();
  stats_ = std::make_unique<Stats>();
  derive_ = std::make_unique<Derive>();
  evicted_ = dropped_ = ingested_ = 0;
  ++cleared_;
  ++changes_;
}

namespace {

UnitKind kind_of_opcode(wire::Opcode op) {
  switch (op) {
    case wire::Opcode::text: return UnitKind::text;
    case wire::Opcode::binary: return UnitKind::binary;
    case wire::Opcode::close: return UnitKind::close;
    case wire::Opcode::ping:
    case wire::Opcode::pong: return UnitKind::control;
    default: return UnitKind::raw;   // reserved opcodes: flagged as violations too
  }
}

// hello's chat snapshot (docs/mirror-protocol.md "hello"): a visualizer that
// subscribes late learns at once the strangers, pairings and rooms that
// earlier `chat` events announced. A hello from an older relay has none.
void apply_chat_snapshot(const wire::Hello& hello, const Entry& e, std::map<std::uint64_t, ConnView>& conns,
                         std::vector<Pairing>& pairings) {
  std::map<std::string, const wire::ParticipantInfo*> by_who;
  for (const auto& p : hello.participants) by_who[p.who] = &p;
  const auto place = [](ConnView& cv, const wire::ParticipantInfo& p) {
    cv.stranger = p.who;
    cv.bot = p.bot;
    // Named as the relay's `chat` events name them: the peer's label, or "room cs101".
    if (p.state == wire::ChatState::paired) cv.peer = p.peer;
    else if (p.state == wire::ChatState::room) cv.peer = "room " + p.room;
    else cv.peer.clear();
    if (cv.role == ConnRole::unknown)
      cv.role = p.transport == wire::ChatTransport::long_poll ? ConnRole::long_poll : ConnRole::websocket;
  };
  for (const auto& ci : hello.connections) {
    if (ci.who.empty()) continue;
    ConnView& cv = conns[ci.conn];
    cv.stranger = ci.who;
    if (auto p = by_who.find(ci.who); p != by_who.end()) place(cv, *p->second);
  }
  for (const auto& p : hello.participants) {
    auto it = conns.find(p.conn);
    if (it != conns.end()) place(it->second, p);
    if (p.state != wire::ChatState::paired) continue;
    // Both sides are listed: one Pairing per pair, as for `paired` events (seq: this hello).
    const std::uint64_t conn = it != conns.end() ? p.conn : 0;
    bool known = false;
    for (auto& pr : pairings) {
      if (pr.a == p.peer && pr.b == p.who) { pr.conn_b = conn; known = true; break; }
      if (pr.a == p.who && pr.b == p.peer) { known = true; break; }
    }
    if (!known) pairings.push_back(Pairing{p.who, p.peer, conn, 0, e.event.seq, e.event.t_us});
  }
}

}  // namespace

void Model::derive(Entry& e) {
  auto& body = e.event.body;
  if (auto* f = std::get_if<wire::Frame>(&body)) {
    e.conn = f->conn;
    e.dir = f->dir;
    auto& pc = derive_->conns[f->conn];
    const ConnView* cv = conn(f->conn);
    wire::FrameRules rules;
    rules.from_client = f->dir == wire::Direction::c2s;
    rules.rsv1_negotiated = cv != nullptr && cv->deflate;
    rules.stop_on_rule_break = false;
    wire::FrameHeaderDecoder dec(rules);
    auto step = dec.feed(f->header);
    if (step.status == wire::FrameHeaderDecoder::Status::done ||
        step.status == wire::FrameHeaderDecoder::Status::error) {
      e.header = step.header;
      if (auto broken = wire::check_header(step.header, rules)) {
        e.violation = true;
        e.violation_rule = wire::frame_error(*broken, wire::error_byte(*broken)).rule + ": " +
                           wire::frame_error(*broken, wire::error_byte(*broken)).reason;
      }
    }
    const auto op = static_cast<wire::Opcode>(f->opcode & 0x0F);
    const int d = f->dir == wire::Direction::c2s ? 0 : 1;
    if (op == wire::Opcode::text || op == wire::Opcode::binary) pc.message_opcode[d] = op;
    e.message_opcode = op == wire::Opcode::continuation ? pc.message_opcode[d] : op;
    e.kind = kind_of_opcode(e.message_opcode);
    const std::size_t keep = std::min(f->payload.size(), limits_.max_clear_payload);
    e.payload_clear.assign(f->payload.begin(), f->payload.begin() + static_cast<std::ptrdiff_t>(keep));
    if (f->masked && f->mask_key) {
      const std::uint32_t k = *f->mask_key;   // big-endian as on the wire
      const wire::MaskingKey key{static_cast<std::uint8_t>(k >> 24), static_cast<std::uint8_t>(k >> 16),
                                 static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)};
      wire::apply_mask(e.payload_clear, key, 0);
    }
    if (cv && cv->deflate) inflate(e, *f, pc, d, cv->extensions);
    pc.last_frame_seq = e.event.seq;
  } else if (auto* h = std::get_if<wire::Http>(&body)) {
    e.conn = h->conn;
    e.dir = h->dir;
    e.kind = UnitKind::http;
    auto& pc = derive_->conns[h->conn];
    if (h->dir == wire::Direction::c2s) {
      pc.open_requests.push_back(e.event.seq);
    } else if (!pc.open_requests.empty()) {
      const std::uint64_t req = pc.open_requests.front();
      // 1xx interim responses other than 101 do not answer the request (RFC 9110 15.2).
      auto status = wire::parse_status_line(h->start_line);
      const bool interim = status && status->status >= 100 && status->status < 200 && status->status != 101;
      if (!interim) {
        pc.open_requests.pop_front();
        e.paired_seq = req;
        if (auto idx = find_seq(req)) entries_[*idx].paired_seq = e.event.seq;
      }
    }
  } else if (auto* r = std::get_if<wire::Raw>(&body)) {
    e.conn = r->conn;
    e.dir = r->dir;
    e.kind = UnitKind::raw;
    e.violation = true;
    e.violation_rule = r->why;
  } else if (auto* v = std::get_if<wire::Violation>(&body)) {
    e.conn = v->conn;
    e.kind = UnitKind::violation;
    e.violation = true;
    e.violation_rule = v->rule;
    // The offending frame came just before this event (docs/mirror-protocol.md): mark it too.
    auto& pc = derive_->conns[v->conn];
    if (pc.last_frame_seq) {
      if (auto idx = find_seq(*pc.last_frame_seq)) {
        Entry& offending = entries_[*idx];
        offending.violation = true;
        if (offending.violation_rule.empty()) offending.violation_rule = v->rule;
      }
    }
  } else if (auto* c = std::get_if<wire::Close>(&body)) {
    e.conn = c->conn;
  } else if (auto* o = std::get_if<wire::Open>(&body)) {
    e.conn = o->conn;
  } else if (auto* ch = std::get_if<wire::Chat>(&body)) {
    e.conn = ch->conn;
  } else if (auto* t = std::get_if<wire::TlsRecord>(&body)) {
    e.conn = t->conn;
    e.dir = t->dir;
    e.kind = UnitKind::tls;
  } else if (auto* dr = std::get_if<wire::Dropped>(&body)) {
    dropped_ += dr->count;
  }
}

void Model::track_connection(Entry& e) {
  auto& body = e.event.body;
  if (auto* hello = std::get_if<wire::Hello>(&body)) {
    hello_ = *hello;
    for (const auto& ci : hello->connections) {
      ConnView& cv = conns_[ci.conn];
      cv.conn = ci.conn;
      cv.transport = ci.transport;
      cv.opened_t_us = ci.opened_t_us;
      if (ci.state == "websocket") cv.role = ConnRole::websocket;
    }
    apply_chat_snapshot(*hello, e, conns_, pairings_);
    return;
  }
  if (e.conn == 0) return;
  ConnView& cv = conns_[e.conn];
  cv.conn = e.conn;
  if (auto* o = std::get_if<wire::Open>(&body)) {
    cv.transport = o->transport;
    cv.opened_t_us = e.event.t_us;
    cv.open = true;
  } else if (auto* c = std::get_if<wire::Close>(&body)) {
    cv.open = false;
    cv.close_code = c->code;
    cv.closed_by = c->by;
    cv.close_reason = c->reason;
    cv.closed_t_us = e.event.t_us;
  } else if (auto* h = std::get_if<wire::Http>(&body)) {
    ++cv.http_messages;
    if (h->dir == wire::Direction::c2s) {
      auto rl = wire::parse_request_line(h->start_line);
      if (rl) {
        // A browser may load the page and then long-poll on the same keep-alive connection.
        const std::string path = rl->target.substr(0, rl->target.find('?'));
        if (const auto eio = wire::engineio::parse_target(rl->target)) {
          cv.engineio = true;
          if (eio->transport == wire::engineio::Transport::polling && cv.role != ConnRole::websocket)
            cv.role = ConnRole::long_poll;
        }
        if (cv.path.empty() || (path.rfind("/poll/", 0) == 0 && cv.role != ConnRole::long_poll)) cv.path = path;
        if (path.rfind("/poll/", 0) == 0 && cv.role != ConnRole::websocket) cv.role = ConnRole::long_poll;
        else if (cv.role == ConnRole::unknown) cv.role = ConnRole::http;
      }
      if (rl && cv.engineio && !h->session.empty()) derive_->conn_engineio[e.conn] = h->session;
      if (rl) {
        // The relay shows a session by its label (the id is blanked); older captures hold the id.
        const std::string session = !h->session.empty() ? h->session : wire::query_value(rl->target, "session");
        if (!session.empty()) join_session(session, e.conn);
      }
      if (wire::header_has_token(h->headers, "Upgrade", "websocket") && !cv.upgrade_request_seq)
        cv.upgrade_request_seq = e.event.seq;
    } else {
      const Entry* req = e.paired_seq ? by_seq(*e.paired_seq) : nullptr;
      if (req && req->http() && req->http()->start_line.rfind("POST /poll/open", 0) == 0) {
        const std::string session = !h->session.empty() ? h->session : json_string_field(h->bytes, "session");
        if (!session.empty()) join_session(session, e.conn);
      }

      if (e.paired_seq && cv.upgrade_request_seq == e.paired_seq) {
        cv.upgrade_response_seq = e.event.seq;
        auto st = wire::parse_status_line(h->start_line);
        if (st && st->status == 101) {
          cv.role = ConnRole::websocket;
          cv.extensions = wire::find_header(h->headers, "Sec-WebSocket-Extensions").value_or("");
          cv.deflate = cv.extensions.find("permessage-deflate") != std::string::npos;
        }
      }
    }
  } else if (std::holds_alternative<wire::Frame>(body)) {
    ++cv.frames;
    if (cv.role == ConnRole::unknown || cv.role == ConnRole::http) cv.role = ConnRole::websocket;
  } else if (auto* ch = std::get_if<wire::Chat>(&body)) {
    // `who` names this connection's stranger in welcome (and in paired/joined/waiting/said,
    // which the relay reports on the speaker's own connection); in `left` it may be the peer.
    const bool names_owner = ch->event == "welcome" || (cv.stranger.empty() && ch->event != "left");
    if (names_owner && !ch->who.empty()) {
      cv.stranger = ch->who;
      cv.bot = ch->bot;
      auto sit = derive_->conn_session.find(e.conn);
      if (sit != derive_->conn_session.end()) join_session(sit->second, e.conn);
    }
    if (ch->event == "paired") {
      cv.peer = ch->peer;
      // The relay reports "paired" once per side: one Pairing per pair.
      bool known = false;
      for (auto& p : pairings_) {
        if (p.a == ch->peer && p.b == ch->who) { p.conn_b = e.conn; known = true; break; }
        if (p.a == ch->who && p.b == ch->peer) { known = true; break; }
      }
      if (!known) pairings_.push_back(Pairing{ch->who, ch->peer, e.conn, 0, e.event.seq, e.event.t_us});
    } else if (ch->event == "joined") {
      cv.peer = ch->peer;
    } else if (ch->event == "left" && ch->who == cv.stranger) {
      cv.peer.clear();
    }
  } else if (std::holds_alternative<wire::Violation>(body)) {
    ++cv.violations;
  }
  if (cv.engineio) read_engineio(e);
}

void Model::add(wire::Event event) {
  if (auto* hello = std::get_if<wire::Hello>(&event.body); hello && !hello->handshakes.empty()) {
    // Older than the hello (their seqs are smaller): added before it, in order,
    // skipping any this model already holds (seqs must keep increasing).
    for (auto& h : hello->handshakes) {
      if (!entries_.empty() && h.seq <= entries_.back().event.seq) continue;
      if (h.seq >= event.seq) continue;
      add_one(wire::Event{h.seq, h.t_us, std::move(h.http)});
    }
    hello->handshakes.clear();   // kept once, as entries
  }
  add_one(std::move(event));
}

void Model::add_one(wire::Event event) {
  Entry e;
  e.event = std::move(event);
  derive(e);
  track_connection(e);
  entries_.push_back(std::move(e));
  ++ingested_;
  ++changes_;
#if WIRELAB_VIZ_HAVE_STATS
  stats_->add(entries_.back(), *this);
#endif
  evict();
}

void Model::evict() {
  while (entries_.size() > limits_.max_events) {
    entries_.pop_front();
    ++evicted_;
  }
  if (conns_.size() > limits_.max_connections) {
    for (auto it = conns_.begin(); it != conns_.end() && conns_.size() > limits_.max_connections;) {
      if (!it->second.open) {
        derive_->conns.erase(it->first);
        if (auto cs = derive_->conn_session.find(it->first); cs != derive_->conn_session.end()) {
          auto sc = derive_->sessions.find(cs->second);
          if (sc != derive_->sessions.end() && --sc->second.refs == 0) derive_->sessions.erase(sc);
          derive_->conn_session.erase(cs);
        }
        derive_->conn_engineio.erase(it->first);
        it = conns_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::optional<std::size_t> Model::find_seq(std::uint64_t seq) const {
  if (entries_.empty() || seq < entries_.front().event.seq) return std::nullopt;
  // Mirror seqs run without gaps, so the distance from the oldest is almost
  // always the index: O(1) (a deque's binary search cost 7% of ingest).
  if (const std::uint64_t guess = seq - entries_.front().event.seq; guess < entries_.size()) {
    if (entries_[static_cast<std::size_t>(guess)].event.seq == seq) return static_cast<std::size_t>(guess);
  }
  auto it = std::lower_bound(entries_.begin(), entries_.end(), seq,
                             [](const Entry& e, std::uint64_t s) { return e.event.seq < s; });
  if (it == entries_.end() || it->event.seq != seq) return std::nullopt;
  return static_cast<std::size_t>(it - entries_.begin());
}

const Entry* Model::by_seq(std::uint64_t seq) const {
  auto idx = find_seq(seq);
  return idx ? &entries_[*idx] : nullptr;
}

const ConnView* Model::conn(std::uint64_t id) const {
  auto it = conns_.find(id);
  return it == conns_.end() ? nullptr : &it->second;
}

std::optional<std::size_t> Model::last_index_where(bool (*pred)(const Entry&), std::size_t before) const {
  std::size_t i = std::min(before, entries_.size());
  while (i > 0) {
    --i;
    if (pred(entries_[i])) return i;
  }
  return std::nullopt;
}

}  // namespace viz
