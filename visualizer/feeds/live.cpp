// LiveFeed: drains the inbox once per frame, holds events back in step mode.
#include "feeds/live.h"

#include <cstdio>

namespace viz {

LiveFeed::LiveFeed(const std::string& url, WsUrl parsed)
    : url_(url), client_(std::make_unique<MirrorClient>(std::move(parsed), inbox_)) {
  client_->start();
}

LiveFeed::~LiveFeed() { client_->stop(); }

void LiveFeed::append(wire::Event e, Model& model) {
  // A relay restart numbers events from 0 again: a new session, a fresh model.
  if (std::holds_alternative<wire::Hello>(e.body) && last_seq_ && e.seq <= *last_seq_) model.clear();
  last_seq_ = e.seq;
  model.add(std::move(e));
}

void LiveFeed::update(double dt, Model& model) {
  if (client_->connects() == 0) unconnected_s_ += dt;
  if (paused_) {
    batch_.clear();
    inbox_.take(batch_, kMaxPerFrame);
    for (auto& e : batch_) held_.push_back(std::move(e));
    while (held_.size() > kMaxHeld) {
      held_.pop_front();
      ++held_dropped_;
    }
    return;
  }
  // Bounded by time and count (see kDrainBudget); checked once per chunk, so at least one chunk per frame.
  const auto start = std::chrono::steady_clock::now();
  std::size_t taken = 0;
  const auto over = [&] { return taken >= kMaxPerFrame || std::chrono::steady_clock::now() - start >= drain_budget_; };
  // Leaving step mode: what was held goes first, in order.
  while (!held_.empty()) {
    append(std::move(held_.front()), model);
    held_.pop_front();
    if (++taken % kChunk == 0 && over()) return;
  }
  do {
    batch_.clear();
    if (inbox_.take(batch_, kChunk) == 0) break;
    for (auto& e : batch_) append(std::move(e), model);
    taken += batch_.size();
  } while (!over());
}

std::optional<std::uint64_t> LiveFeed::step_forward(Model& model) {
  if (held_.empty()) return std::nullopt;
  const std::uint64_t seq = held_.front().seq;
  append(std::move(held_.front()), model);
  held_.pop_front();
  return seq;
}

std::string LiveFeed::state() const {
  char buf[160];
  switch (client_->state()) {
    case MirrorState::connected:
      std::snprintf(buf, sizeof buf, "connected%s", paused_ ? ", paused" : "");
      break;
    case MirrorState::retrying: {
      const std::string err = client_->last_error();
      std::snprintf(buf, sizeof buf, "reconnecting in %.2g s (%s)", client_->retry_in_s(), err.c_str());
      break;
    }
    default:
      std::snprintf(buf, sizeof buf, "%s", mirror_state_name(client_->state()));
  }
  return buf;
}

}  // namespace viz
