// The long-poll session store: CSPRNG ids, last-recv times, 60 s expiry.
#include "relay/poll/sessions.h"

#include <sys/random.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace relay::poll {

std::string random_session_id() {
  std::array<unsigned char, 16> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "getrandom for a poll session id");
    }
    filled += static_cast<std::size_t>(n);
  }
  std::string id;
  id.reserve(32);
  for (const unsigned char b : bytes) id += fmt::format("{:02x}", b);
  return id;
}

const char* refusal_name(Refusal r) {
  switch (r) {
    case Refusal::none: return "none";
    case Refusal::store_full: return "store_full";
    case Refusal::address_full: return "address_full";
    case Refusal::address_rate: return "address_rate";
    case Refusal::relay_rate: return "relay_rate";
  }
  return "?";
}

Sessions::Sessions(SessionLimits limits)
    : limits_(limits), relay_opens_(limits.opens_per_s, limits.opens_burst) {}

std::string Sessions::next_id() {
  if (!limits_.deterministic) return random_session_id();
  // splitmix64, twice per id: a fixed sequence, the same in every run.
  auto next = [this] {
    std::uint64_t z = (deterministic_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  const std::uint64_t hi = next();
  const std::uint64_t lo = next();
  return fmt::format("{:016x}{:016x}", hi, lo);
}

Sessions::AddressState& Sessions::address_state(std::string_view address, std::int64_t now_us) {
  auto it = addresses_.find(address);
  if (it == addresses_.end()) {
    const chat::TokenBucket full(limits_.opens_per_s_per_address, limits_.opens_burst_per_address);
    it = addresses_.emplace(std::string(address), AddressState{0, full, now_us}).first;
  }
  return it->second;
}

Refusal Sessions::admit(std::string_view address, std::int64_t now_us) {
  if (sessions_.size() >= limits_.max_sessions) {
    ++counters_.refused_store_full;
    return Refusal::store_full;
  }
  if (count_from(address) >= limits_.max_per_address) {
    ++counters_.refused_address_full;
    return Refusal::address_full;
  }
  AddressState& a = address_state(address, now_us);
  // The address's own bucket first: one greedy address must not spend the
  // relay-wide opens that everyone else needs.
  if (!a.opens.take(now_us)) {
    ++counters_.refused_address_rate;
    return Refusal::address_rate;
  }
  a.last_open_us = now_us;
  if (!relay_opens_.take(now_us)) {
    ++counters_.refused_relay_rate;
    return Refusal::relay_rate;
  }
  return Refusal::none;
}

const Session* Sessions::open(chat::ParticipantId participant, std::int64_t now_us, std::string_view address) {
  if (sessions_.size() >= limits_.max_sessions || count_from(address) >= limits_.max_per_address) return nullptr;
  std::string id = next_id();
  while (sessions_.count(id) != 0) id = next_id();   // 2^-128: for form's sake
  ++address_state(address, now_us).sessions;
  Session s{id, participant, now_us, now_us, std::string(address)};
  return &sessions_.emplace(std::move(id), std::move(s)).first->second;
}

const Session* Sessions::find(std::string_view id, std::string_view address) const {
  if (!is_well_formed(id)) return nullptr;
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return nullptr;
  if (it->second.address != address) {
    ++counters_.wrong_address;
    return nullptr;
  }
  return &it->second;
}

std::size_t Sessions::count_from(std::string_view address) const {
  const auto it = addresses_.find(address);
  return it == addresses_.end() ? 0 : it->second.sessions;
}

void Sessions::forget_address(const std::string& address) {
  const auto it = addresses_.find(address);
  if (it != addresses_.end() && it->second.sessions > 0) --it->second.sessions;
}

bool Sessions::touch_recv(std::string_view id, std::int64_t now_us) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  it->second.last_recv_us = std::max(it->second.last_recv_us, now_us);
  return true;
}

std::vector<Session> Sessions::expire(std::int64_t now_us) {
  std::vector<Session> ended;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now_us - it->second.last_recv_us >= limits_.expiry_us) {
      forget_address(it->second.address);
      ended.push_back(std::move(it->second));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  // Addresses with no session whose bucket has refilled carry no state worth keeping.
  const double refill_s = limits_.opens_burst_per_address / std::max(limits_.opens_per_s_per_address, 1e-9);
  const auto idle_us = static_cast<std::int64_t>(refill_s * 1e6) + 1;
  for (auto it = addresses_.begin(); it != addresses_.end();) {
    if (it->second.sessions == 0 && now_us - it->second.last_open_us >= idle_us) {
      it = addresses_.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

bool Sessions::erase(std::string_view id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  forget_address(it->second.address);
  sessions_.erase(it);
  return true;
}

std::size_t Sessions::size() const { return sessions_.size(); }

std::vector<Session> Sessions::all() const {
  std::vector<Session> out;
  out.reserve(sessions_.size());
  for (const auto& [id, s] : sessions_) out.push_back(s);
  return out;
}

const SessionLimits& Sessions::limits() const { return limits_; }

bool Sessions::is_well_formed(std::string_view id) {
  if (id.size() != 32) return false;
  for (const char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Sessions::not_found_body(std::string_view id) {
  nlohmann::ordered_json j;
  if (is_well_formed(id)) {
    j["error"] = "unknown_session";
    j["detail"] = "no such session (it ended after 60 s without a recv, or never existed): POST /poll/open for a new one";
  } else {
    j["error"] = "malformed_session";
    j["detail"] = "the session parameter must be the 32 lowercase hex digits that POST /poll/open returned";
  }
  return j.dump();
}

std::string drain_batch(chat::Service& chat, chat::ParticipantId participant, std::size_t max_messages) {
  std::string body;
  std::string message;
  std::size_t count = 0;
  while (count < max_messages && chat.pop(participant, message)) {
    body += count == 0 ? "[" : ",";
    body += message;
    ++count;
  }
  if (count > 0) body += "]";
  return body;
}

}  // namespace relay::poll
