// "Find my frame": following one stranger. A student reads "You are Stranger
// 4cba · connection #12" in the browser; the projector follows that stranger:
// only their arrows, their handshake, their latest frame. GL-free, so the
// choice is tested without a display (tests/visualizer/follow_test.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/model.h"

namespace viz {

// "4cba", "Stranger 4cba" or "4CBA" -> "Stranger 4cba"; nullopt unless 4 hex digits.
std::optional<std::string> stranger_label(std::string_view typed);

// True when e happened on a connection that carries `stranger` (or is a
// `chat` event about them).
bool on_stranger(const Model& m, const Entry& e, std::string_view stranger);

// What following one stranger shows, kept up to date incrementally (only the
// entries added since the last update are scanned).
class Follower {
 public:
  void set(std::string stranger);              // "" stops following
  const std::string& stranger() const { return stranger_; }
  bool active() const { return !stranger_.empty(); }
  // Scans new entries; true when conn() or latest_frame() changed.
  bool update(const Model& m);
  // Their newest connection with an upgrade (else their newest connection).
  std::optional<std::uint64_t> conn() const { return conn_; }
  // Their newest client->server data frame (else any frame of theirs).
  std::optional<std::uint64_t> latest_frame() const { return latest_client_ ? latest_client_ : latest_any_; }

 private:
  std::string stranger_;
  std::optional<std::uint64_t> conn_, latest_client_, latest_any_;
  std::uint64_t generation_ = UINT64_MAX, ingested_ = 0, conns_version_ = UINT64_MAX;
};

}  // namespace viz
