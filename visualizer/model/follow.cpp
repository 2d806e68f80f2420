// Following one stranger: which connection, which frame.
#include "model/follow.h"

#include <cctype>

namespace viz {

std::optional<std::string> stranger_label(std::string_view typed) {
  constexpr std::string_view kPrefix = "Stranger ";
  if (typed.substr(0, kPrefix.size()) == kPrefix) typed.remove_prefix(kPrefix.size());
  if (typed.size() != 4) return std::nullopt;
  std::string out(kPrefix);
  for (char c : typed) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool on_stranger(const Model& m, const Entry& e, std::string_view stranger) {
  if (stranger.empty()) return false;
  if (const auto* ch = e.chat()) return ch->who == stranger;
  if (e.conn == 0) return false;
  const ConnView* cv = m.conn(e.conn);
  return cv != nullptr && cv->stranger == stranger;
}

void Follower::set(std::string stranger) {
  stranger_ = std::move(stranger);
  conn_.reset();
  latest_client_.reset();
  latest_any_.reset();
  generation_ = UINT64_MAX;   // rescan everything at the next update
  conns_version_ = UINT64_MAX;
}

bool Follower::update(const Model& m) {
  if (stranger_.empty()) return false;
  const auto before = std::make_pair(conn_, latest_frame());
  std::size_t from = 0;
  if (generation_ == m.generation()) {
    const std::uint64_t fresh = m.ingested() - ingested_;
    from = fresh >= m.size() ? 0 : m.size() - static_cast<std::size_t>(fresh);
  } else {
    latest_client_.reset();
    latest_any_.reset();
  }
  generation_ = m.generation();
  ingested_ = m.ingested();
  for (std::size_t i = from; i < m.size(); ++i) {
    const Entry& e = m.at(i);
    const wire::Frame* f = e.frame();
    if (f == nullptr || !on_stranger(m, e, stranger_)) continue;
    latest_any_ = e.seq();
    const bool data = e.kind == UnitKind::text || e.kind == UnitKind::binary;
    if (data && f->dir == wire::Direction::c2s) latest_client_ = e.seq();
  }
  // Their connection: walks the connections (10,000 at most) only when the model changed.
  if (conns_version_ != m.version()) {
    conns_version_ = m.version();
    std::optional<std::uint64_t> any, upgraded;
    for (const auto& [id, cv] : m.connections()) {
      if (cv.stranger != stranger_) continue;
      any = id;
      if (cv.upgrade_request_seq) upgraded = id;
    }
    conn_ = upgraded ? upgraded : any;
  }
  return before != std::make_pair(conn_, latest_frame());
}

}  // namespace viz
