#include "relay/connections.h"

namespace relay {

ConnRecord& Connections::add(wire::Transport transport, const std::string& address, std::int64_t now_us) {
  ConnRecord r;
  r.id = next_id_++;
  r.transport = transport;
  r.opened_t_us = now_us;
  r.address = address;
  std::size_t& n = per_address_[address];
  ++n;
  r.over_cap = n > max_per_address_;
  return by_id_.emplace(r.id, std::move(r)).first->second;
}

void Connections::remove(std::uint64_t id) {
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  auto a = per_address_.find(it->second.address);
  if (a != per_address_.end() && --a->second == 0) per_address_.erase(a);
  by_id_.erase(it);
}

ConnRecord* Connections::find(std::uint64_t id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

std::size_t Connections::count(wire::Transport t) const {
  std::size_t n = 0;
  for (const auto& [id, r] : by_id_) n += r.transport == t ? 1 : 0;
  return n;
}

std::vector<wire::ConnectionInfo> Connections::snapshot() const {
  std::vector<wire::ConnectionInfo> out;
  out.reserve(by_id_.size());
  for (const auto& [id, r] : by_id_) {
    out.push_back({r.id, r.transport, r.websocket ? "websocket" : "http", r.opened_t_us});
  }
  return out;
}

}  // namespace relay
