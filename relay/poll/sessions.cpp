// The long-poll session store: CSPRNG ids, last-recv times, 60 s expiry.
#include "relay/poll/sessions.h"

#include <sys/random.h>

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

Sessions::Sessions(SessionLimits limits) : limits_(limits) {}

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

const Session* Sessions::open(chat::ParticipantId participant, std::int64_t now_us) {
  if (sessions_.size() >= limits_.max_sessions) return nullptr;
  std::string id = next_id();
  while (sessions_.count(id) != 0) id = next_id();   // 2^-128: for form's sake
  Session s{id, participant, now_us, now_us};
  return &sessions_.emplace(std::move(id), std::move(s)).first->second;
}

const Session* Sessions::find(std::string_view id) const {
  if (!is_well_formed(id)) return nullptr;
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
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
      ended.push_back(std::move(it->second));
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return ended;
}

bool Sessions::erase(std::string_view id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
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
