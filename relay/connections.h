// relay::Connections: the registry of open client connections (one entry per
// TCP/TLS client, tapped or not): ids `#12`, transport, state for the mirror's
// `hello` snapshot, and the count per client address for the per-address cap.
// Addresses never leave this class (anonymous: no address on screen or in a log): no logs, no events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "wire/events.h"

namespace relay {

struct ConnRecord {
  std::uint64_t id = 0;
  wire::Transport transport = wire::Transport::tcp;
  bool websocket = false;          // after a 101
  std::int64_t opened_t_us = 0;
  std::string address;             // for the cap only
  bool over_cap = false;           // this connection is past max_conns_per_addr: answer 503
};

class Connections {
 public:
  explicit Connections(std::size_t max_per_address) : max_per_address_(max_per_address) {}

  // Registers a new connection; its id is never reused.
  ConnRecord& add(wire::Transport transport, const std::string& address, std::int64_t now_us);
  void remove(std::uint64_t id);
  ConnRecord* find(std::uint64_t id);
  std::size_t size() const { return by_id_.size(); }
  std::size_t count(wire::Transport t) const;
  std::uint64_t rejected_over_cap() const { return rejected_; }
  void note_rejected() { ++rejected_; }
  std::vector<wire::ConnectionInfo> snapshot() const;

 private:
  std::size_t max_per_address_;
  std::uint64_t next_id_ = 1;
  std::uint64_t rejected_ = 0;
  std::map<std::uint64_t, ConnRecord> by_id_;
  std::unordered_map<std::string, std::size_t> per_address_;
};

}  // namespace relay
