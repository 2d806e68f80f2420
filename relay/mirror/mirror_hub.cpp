// The mirror hub: one serialisation per event, bounded fan-out.
#include "relay/mirror/mirror_hub.h"

#include <fmt/core.h>

#include <algorithm>
#include <string_view>
#include <type_traits>

#include "wire/capture.h"

namespace relay {

MirrorHub::MirrorHub(MirrorConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

MirrorHub::~MirrorHub() { flush_capture(); }

void MirrorHub::set_snapshot(std::function<std::vector<wire::ConnectionInfo>()> snapshot) {
  snapshot_ = std::move(snapshot);
}

void MirrorHub::set_chat_snapshot(std::function<void(wire::Hello&)> fill) { chat_snapshot_ = std::move(fill); }

wire::Hello MirrorHub::make_hello() const {
  wire::Hello hello = config_.hello;
  if (snapshot_) hello.connections = snapshot_();
  if (chat_snapshot_) chat_snapshot_(hello);
  return hello;
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
// headers and mask keys kept).
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
  wire::Event event{seq_, clock_.now_us(), std::move(body)};
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
