// The mirror hub: one serialisation per event, bounded fan-out.
#include "relay/mirror/mirror_hub.h"

#include <fmt/core.h>

#include <algorithm>
#include <string_view>
#include <type_traits>

#include "wire/capture.h"
#include "wire/http.h"

namespace relay {

MirrorHub::MirrorHub(MirrorConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

MirrorHub::~MirrorHub() { flush_capture(); }

void MirrorHub::set_snapshot(std::function<std::vector<wire::ConnectionInfo>()> snapshot) {
  snapshot_ = std::move(snapshot);
}

void MirrorHub::set_chat_snapshot(std::function<void(wire::Hello&)> fill) { chat_snapshot_ = std::move(fill); }

namespace {

// A kept handshake holds its bytes alone when its start line and fields read
// back from them exactly: the parsed copies doubled what each kept handshake
// cost (about 1.5 KB, 4,096 of them at campus scale; bench/README.md "Memory
// per idle connection"). An empty start line marks it; expanded() reads them back.
void compact(wire::HelloHttp& kept) {
  wire::Http again = kept.http;
  if (!wire::reparse_head(again) || again.start_line != kept.http.start_line || again.headers != kept.http.headers) {
    return;
  }
  kept.http.start_line = {};
  kept.http.headers = {};
}

wire::HelloHttp expanded(const wire::HelloHttp& kept) {
  wire::HelloHttp out = kept;
  if (out.http.start_line.empty()) wire::reparse_head(out.http);
  return out;
}

}  // namespace

wire::Hello MirrorHub::make_hello() const {
  wire::Hello hello = config_.hello;
  if (snapshot_) hello.connections = snapshot_();
  if (chat_snapshot_) chat_snapshot_(hello);
  for (const auto& [conn, h] : handshakes_) {
    if (!h.request) continue;
    hello.handshakes.push_back(expanded(*h.request));
    if (h.response) hello.handshakes.push_back(expanded(*h.response));
  }
  // In seq order, as a subscriber would have received them.
  std::sort(hello.handshakes.begin(), hello.handshakes.end(),
            [](const wire::HelloHttp& a, const wire::HelloHttp& b) { return a.seq < b.seq; });
  return hello;
}

// Keeps each open connection's upgrade request and its response, shaped as
// they are published, so a late subscriber sees the handshakes (relay/README.md
// "The mirror" says what is kept and for how long). Kept even while nobody
// watches: the projector is often started after the students connected.
void MirrorHub::remember(const wire::EventBody& body, std::int64_t t_us) {
  if (const auto* c = std::get_if<wire::Close>(&body)) {
    handshakes_.erase(c->conn);
    return;
  }
  const auto* h = std::get_if<wire::Http>(&body);
  if (h == nullptr) return;
  auto it = handshakes_.find(h->conn);
  if (it == handshakes_.end()) {
    if (handshakes_.size() >= kMaxHandshakeConns) {
      if (h->dir == wire::Direction::c2s && wire::header_has_token(h->headers, "Upgrade", "websocket"))
        ++handshakes_not_kept_;
      return;
    }
    it = handshakes_.emplace(h->conn, Handshake{}).first;
  }
  Handshake& k = it->second;
  const auto keep = [&](std::optional<wire::HelloHttp>& slot) {
    wire::EventBody copy = *h;
    shape(copy);
    auto& shaped = std::get<wire::Http>(copy);
    if (shaped.bytes.size() > kMaxHandshakeBytes) {
      ++handshakes_not_kept_;
      return;
    }
    slot = wire::HelloHttp{seq_, t_us, std::move(shaped)};
    compact(*slot);
  };
  if (h->dir == wire::Direction::c2s) {
    ++k.requests;
    // A failed upgrade (400, 426) may be followed by another on the same connection: keep the latest.
    if (wire::header_has_token(h->headers, "Upgrade", "websocket")) {
      k.upgrade_index = k.requests;
      k.request.reset();
      k.response.reset();
      keep(k.request);
    }
    return;
  }
  // 1xx interim responses other than 101 answer no request (RFC 9110 15.2).
  const auto status = wire::parse_status_line(h->start_line);
  if (status && status->status >= 100 && status->status < 200 && status->status != 101) return;
  ++k.responses;
  if (k.request && k.responses == k.upgrade_index) keep(k.response);
}

std::string MirrorHub::open_capture(const std::string& path) {
  auto out = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*out) return fmt::format("cannot open {} for writing", path);
  const wire::Hello hello = make_hello();
  wire::write_capture_line(*out, wire::Event{seq_, clock_.now_us(), hello});
  capture_ = std::move(out);
  return {};
}

void MirrorHub::flush_capture() {
  if (capture_) capture_->flush();
}

// --mirror-max-payload cuts frame payloads; --redact removes payload and body
// bytes entirely (payload empty, truncated=true, payload_len/body_len kept,
// headers and mask keys kept; a tls_record's body_head empty).
void MirrorHub::shape(wire::EventBody& body) const {
  if (auto* f = std::get_if<wire::Frame>(&body)) {
    std::size_t keep = config_.redact ? 0 : config_.max_payload;
    if (f->payload.size() > keep) {
      f->payload.resize(keep);
      f->truncated = true;
    }
    if (config_.redact) f->truncated = true;
  } else if (auto* h = std::get_if<wire::Http>(&body)) {
    // The head ends at the first empty line; --redact keeps the head only,
    // --mirror-max-payload keeps that many body bytes.
    static constexpr std::string_view kEnd = "\r\n\r\n";
    const auto end = std::search(h->bytes.begin(), h->bytes.end(), kEnd.begin(), kEnd.end());
    if (end != h->bytes.end()) {
      const std::size_t head = static_cast<std::size_t>(end - h->bytes.begin()) + kEnd.size();
      const std::size_t keep = head + (config_.redact ? 0 : config_.max_payload);
      if (h->bytes.size() > keep) {
        h->bytes.resize(keep);
        h->truncated = true;
      }
    }
  } else if (auto* r = std::get_if<wire::Raw>(&body)) {
    if (config_.redact) r->bytes.clear();
  } else if (auto* t = std::get_if<wire::TlsRecord>(&body)) {
    // Ciphertext is no secret, but its bytes come from the payload: --redact shows none.
    if (config_.redact) t->body_head.clear();
  }
}

bool MirrorHub::room(const Subscriber& s, std::size_t bytes) const {
  return s.queue.size() < config_.max_events && s.bytes + bytes <= config_.max_bytes;
}

void MirrorHub::push(Subscriber& s, std::shared_ptr<const std::string> text) {
  const bool was_empty = s.queue.empty();
  s.bytes += text->size();
  s.queue.push_back(std::move(text));
  if (was_empty && s.wake) s.wake();
}

std::shared_ptr<const std::string> MirrorHub::dropped_text(Subscriber& s) {
  wire::Event e{s.last_missed_seq, clock_.now_us(), wire::Dropped{s.missed}};
  s.missed = 0;
  return std::make_shared<const std::string>(wire::to_json_line(e));
}

void MirrorHub::publish(wire::EventBody body) {
  ++seq_;
  const std::int64_t t_us = clock_.now_us();
  remember(body, t_us);
  if (!active()) return;
  // Nobody can take it (every subscriber full, no capture): count it as
  // missed without paying for the serialisation.
  if (capture_ == nullptr) {
    bool anyone = false;
    for (const auto& [id, s] : subscribers_) anyone = anyone || room(s, 0);
    if (!anyone) {
      for (auto& [id, s] : subscribers_) miss(id, s);
      return;
    }
  }
  shape(body);
  wire::Event event{seq_, t_us, std::move(body)};
  auto text = std::make_shared<const std::string>(wire::to_json_line(event));
  if (capture_ && !capture_failed_) {
    *capture_ << *text << '\n';
    if (!*capture_) {
      capture_failed_ = true;
      fmt::print(stderr, "wirelab-relay: capture file write failed; capture stopped\n");
    }
  }
  for (auto& [id, s] : subscribers_) {
    if (s.missed > 0 && room(s, text->size() + 64) && s.queue.size() + 1 < config_.max_events) {
      push(s, dropped_text(s));
    }
    if (s.missed == 0 && room(s, text->size())) {
      push(s, text);
    } else {
      miss(id, s);
    }
  }
}

void MirrorHub::miss(SubscriberId id, Subscriber& s) {
  if (s.missed == 0) fmt::print(stderr, "wirelab-relay: mirror subscriber {} is too slow; dropping events\n", id);
  ++s.missed;
  ++dropped_total_;
  s.last_missed_seq = seq_;
}

MirrorHub::SubscriberId MirrorHub::subscribe(std::function<void()> wake) {
  SubscriberId id = next_subscriber_++;
  Subscriber& s = subscribers_[id];
  const wire::Hello hello = make_hello();
  s.wake = std::move(wake);
  push(s, std::make_shared<const std::string>(wire::to_json_line(wire::Event{seq_, clock_.now_us(), hello})));
  subscriber_count_.store(subscribers_.size(), std::memory_order_relaxed);
  return id;
}

void MirrorHub::unsubscribe(SubscriberId id) {
  subscribers_.erase(id);
  subscriber_count_.store(subscribers_.size(), std::memory_order_relaxed);
}

bool MirrorHub::pop(SubscriberId id, std::string& out) {
  auto it = subscribers_.find(id);
  if (it == subscribers_.end()) return false;
  Subscriber& s = it->second;
  if (s.queue.empty()) {
    if (s.missed == 0) return false;
    out = *dropped_text(s);
    return true;
  }
  out = *s.queue.front();
  s.bytes -= out.size();
  s.queue.pop_front();
  return true;
}

bool MirrorHub::pending(SubscriberId id) const {
  auto it = subscribers_.find(id);
  return it != subscribers_.end() && (!it->second.queue.empty() || it->second.missed > 0);
}

}  // namespace relay
