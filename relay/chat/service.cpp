// relay::chat::Service: participants, the stranger queue, rooms, limits.
// Transit only: a message's text lives in recipients' bounded queues until popped.
#include "relay/chat/service.h"

#include <algorithm>
#include <deque>
#include <map>
#include <unordered_map>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "relay/chat/labels.h"
#include "relay/chat/messages.h"
#include "relay/chat/token_bucket.h"
#include "wire/fifo.h"

namespace relay::chat {

namespace {
// Where a participant is. One state at a time: `find` and `join` leave the current one first.
enum class Where : std::uint8_t { idle, waiting, paired, in_room };

// One per connected participant (a WebSocket or a long-poll session).
struct Participant {
  Participant(ParticipantId id_, Transport t, std::string label_, const Limits& limits)
      : id(id_), transport(t), label(std::move(label_)), bucket(limits.rate_per_s, limits.burst) {}
  ParticipantId id;
  Transport transport;
  std::string label;
  bool bot = false;                // one of --demo's strangers (Arrival::bot)
  Where where = Where::idle;
  ParticipantId peer = 0;          // when paired
  std::string room;                // when in_room
  wire::Fifo<std::string> outgoing;
  std::uint64_t dropped = 0;
  TokenBucket bucket;
};
}  // namespace

struct Service::Impl {
  Impl(Service& owner, Limits l, std::uint64_t seed, bool deterministic)
      : self(owner), limits(l), labels(seed, deterministic) {}

  Service& self;
  Limits limits;
  LabelMaker labels;
  ParticipantId next_id = 1;
  std::unordered_map<ParticipantId, Participant> people;   // node-based: references stay valid
  std::deque<ParticipantId> waiting;                       // FIFO stranger queue
  std::map<std::string, std::vector<ParticipantId>> rooms; // members in order of entry
  std::map<std::string, std::string> bot_labels;           // bot name -> its label for the whole run
  static constexpr std::size_t kMaxBots = 8;               // --demo has two

  // A bot's label: taken once and kept for the run. Empty when the name is
  // already connected or too many bots exist: then it arrives as a human.
  std::string bot_label(const std::string& name) {
    auto it = bot_labels.find(name);
    if (it == bot_labels.end()) {
      if (bot_labels.size() >= kMaxBots) return {};
      it = bot_labels.emplace(name, labels.take()).first;
    }
    for (const auto& [id, p] : people) {
      if (p.label == it->second) return {};
    }
    return it->second;
  }
  Counters counters;

  Participant* get(ParticipantId id) {
    const auto it = people.find(id);
    return it == people.end() ? nullptr : &it->second;
  }

  // Queues one message; a full queue loses its oldest message (counted: nothing is dropped silently).
  void push(Participant& p, std::string json) {
    if (limits.max_queued == 0) {
      ++p.dropped;
      ++counters.dropped_outgoing;
      return;
    }
    while (p.outgoing.size() >= limits.max_queued) {
      p.outgoing.pop_front();
      ++p.dropped;
      ++counters.dropped_outgoing;
    }
    p.outgoing.push_back(std::move(json));
    if (self.on_ready) self.on_ready(p.id);
  }

  void note(const Participant& who, const char* event, std::string peer = {}, std::string room = {}) {
    if (self.on_note) self.on_note(ChatNote{who.id, event, who.label, std::move(peer), std::move(room), who.bot});
  }

  void error(Participant& p, ChatError e) {
    if (e.code == "bad_message") ++counters.bad_messages;
    if (e.code == "too_long") ++counters.too_long;
    if (e.code == "not_paired") ++counters.not_paired;
    if (e.code == "rate_limited") ++counters.rate_limited;
    push(p, error_json(e));
  }

  std::vector<ParticipantId> others_in_room(const Participant& p) {
    std::vector<ParticipantId> out;
    const auto it = rooms.find(p.room);
    if (it == rooms.end()) return out;
    for (const ParticipantId m : it->second) {
      if (m != p.id) out.push_back(m);
    }
    return out;
  }

  // Leaves the pair, the room or the queue; the peer or the room hears `left`.
  void leave_current(Participant& p) {
    switch (p.where) {
      case Where::idle:
        break;
      case Where::waiting:
        waiting.erase(std::remove(waiting.begin(), waiting.end(), p.id), waiting.end());
        break;
      case Where::paired: {
        if (Participant* q = get(p.peer)) {
          q->where = Where::idle;
          q->peer = 0;
          push(*q, left_json(p.label));
          note(p, "left", q->label);
        }
        p.peer = 0;
        break;
      }
      case Where::in_room: {
        const std::vector<ParticipantId> others = others_in_room(p);
        auto& members = rooms[p.room];
        members.erase(std::remove(members.begin(), members.end(), p.id), members.end());
        if (members.empty()) rooms.erase(p.room);
        for (const ParticipantId m : others) {
          if (Participant* q = get(m)) push(*q, left_json(p.label));
        }
        note(p, "left", {}, p.room);
        p.room.clear();
        break;
      }
    }
    p.where = Where::idle;
  }

  void find(Participant& p) {
    if (p.where == Where::waiting) {   // already queued: keep the place, confirm it
      push(p, waiting_json());
      return;
    }
    leave_current(p);
    if (!waiting.empty()) {
      const ParticipantId other = waiting.front();
      waiting.pop_front();
      Participant& q = people.at(other);
      q.where = Where::paired;
      q.peer = p.id;
      p.where = Where::paired;
      p.peer = q.id;
      ++counters.pairs;
      push(q, paired_json(p.label));
      push(p, paired_json(q.label));
      note(q, "paired", p.label);
      note(p, "paired", q.label);
      return;
    }
    p.where = Where::waiting;
    waiting.push_back(p.id);
    push(p, waiting_json());
    note(p, "waiting");
  }

  void join(Participant& p, const std::string& room) {
    if (p.where == Where::in_room && p.room == room) {   // already there: just confirm
      push(p, joined_json(room, rooms[room].size()));
      return;
    }
    leave_current(p);
    auto& members = rooms[room];
    members.push_back(p.id);
    p.where = Where::in_room;
    p.room = room;
    const std::string joined = joined_json(room, members.size());
    const std::vector<ParticipantId> everyone = members;   // push may run callbacks: iterate a copy
    for (const ParticipantId m : everyone) {
      if (Participant* q = get(m)) push(*q, joined);
    }
    note(p, "joined", {}, room);
  }

  void say(Participant& p, const std::string& text) {
    if (p.where == Where::paired) {
      if (Participant* q = get(p.peer)) {
        push(*q, said_json(p.label, text));
        ++counters.said;
        note(p, "said", q->label);
      }
      return;
    }
    if (p.where == Where::in_room) {
      const std::vector<ParticipantId> others = others_in_room(p);
      if (others.empty()) {
        error(p, {"not_paired", "nobody else is in room \"" + p.room + "\" yet: wait for someone to join"});
        return;
      }
      const std::string said = said_json(p.label, text);
      for (const ParticipantId m : others) {
        if (Participant* q = get(m)) {
          push(*q, said);
          ++counters.said;
        }
      }
      note(p, "said", {}, p.room);
      return;
    }
    error(p, {"not_paired", p.where == Where::waiting
                                ? "still waiting for a stranger: say again after you get {\"type\":\"paired\"}"
                                : "you are alone: send {\"type\":\"find\"} or {\"type\":\"join\",\"room\":\"...\"} first"});
  }

  void typing(Participant& p, bool on) {
    // Typing while alone tells nobody anything: it is ignored, not an error.
    if (p.where == Where::paired) {
      if (Participant* q = get(p.peer)) push(*q, typing_json(p.label, on));
    } else if (p.where == Where::in_room) {
      const std::string msg = typing_json(p.label, on);
      for (const ParticipantId m : others_in_room(p)) {
        if (Participant* q = get(m)) push(*q, msg);
      }
    }
  }
};

Service::Service(Limits limits, std::uint64_t label_seed, bool deterministic)
    : impl_(std::make_unique<Impl>(*this, limits, label_seed, deterministic)) {}

Service::~Service() = default;

ParticipantId Service::connect(Transport t, const Arrival& arrival) {
  const ParticipantId id = impl_->next_id++;
  std::string label = arrival.bot.empty() ? std::string() : impl_->bot_label(arrival.bot);
  const bool bot = !label.empty();
  if (!bot) label = impl_->labels.take();
  auto [it, inserted] = impl_->people.try_emplace(id, id, t, std::move(label), impl_->limits);
  (void)inserted;
  Participant& p = it->second;
  p.bot = bot;
  impl_->push(p, welcome_json(p.label, impl_->limits, arrival.conn, bot));
  impl_->note(p, "welcome");
  return id;
}

void Service::receive(ParticipantId id, std::string_view json_text, std::int64_t now_us) {
  Participant* p = impl_->get(id);
  if (p == nullptr) return;
  if (!p->bucket.take(now_us)) {
    impl_->error(*p, {"rate_limited", fmt::format("over {:g} messages a second (burst {:g}): this message was not sent; "
                                                  "slow down and send it again",
                                                  impl_->limits.rate_per_s, impl_->limits.burst)});
    return;
  }
  auto parsed = parse_client_message(json_text, impl_->limits.max_text_bytes);
  if (auto* e = std::get_if<ChatError>(&parsed)) {
    impl_->error(*p, std::move(*e));
    return;
  }
  const ClientMessage& m = std::get<ClientMessage>(parsed);
  switch (m.type) {
    case ClientType::find: impl_->find(*p); break;
    case ClientType::join: impl_->join(*p, m.room); break;
    case ClientType::say: impl_->say(*p, m.text); break;
    case ClientType::typing: impl_->typing(*p, m.on); break;
    case ClientType::leave: impl_->leave_current(*p); break;
  }
}

void Service::disconnect(ParticipantId id) {
  Participant* p = impl_->get(id);
  if (p == nullptr) return;
  impl_->leave_current(*p);
  if (!p->bot) impl_->labels.release(p->label);   // a bot's label stays reserved for its next arrival
  impl_->people.erase(id);
}

bool Service::pop(ParticipantId id, std::string& out) {
  Participant* p = impl_->get(id);
  if (p == nullptr || p->outgoing.empty()) return false;
  out = std::move(p->outgoing.front());
  p->outgoing.pop_front();
  return true;
}

std::size_t Service::queued_bytes(ParticipantId id) const {
  const auto it = impl_->people.find(id);
  if (it == impl_->people.end()) return 0;
  std::size_t bytes = 0;
  for (const std::string& m : it->second.outgoing) bytes += m.size();
  return bytes;
}

std::size_t Service::queued(ParticipantId id) const {
  const auto it = impl_->people.find(id);
  return it == impl_->people.end() ? 0 : it->second.outgoing.size();
}

std::uint64_t Service::dropped(ParticipantId id) const {
  const auto it = impl_->people.find(id);
  return it == impl_->people.end() ? 0 : it->second.dropped;
}

bool Service::exists(ParticipantId id) const { return impl_->people.count(id) != 0; }

const std::string& Service::label(ParticipantId id) const {
  static const std::string none;
  const auto it = impl_->people.find(id);
  return it == impl_->people.end() ? none : it->second.label;
}

Transport Service::transport(ParticipantId id) const {
  const auto it = impl_->people.find(id);
  return it == impl_->people.end() ? Transport::websocket : it->second.transport;
}

std::size_t Service::participants() const { return impl_->people.size(); }

std::size_t Service::humans_chatting() const {
  std::size_t n = 0;
  for (const auto& [id, p] : impl_->people) {
    if (!p.bot && (p.where == Where::paired || p.where == Where::in_room)) ++n;
  }
  return n;
}

std::vector<ParticipantState> Service::snapshot() const {
  std::vector<ParticipantState> out;
  out.reserve(impl_->people.size());
  for (const auto& [id, p] : impl_->people) {
    ParticipantState s;
    s.id = id;
    s.label = p.label;
    s.transport = p.transport;
    s.bot = p.bot;
    switch (p.where) {
      case Where::idle: s.place = Place::lobby; break;
      case Where::waiting: s.place = Place::waiting; break;
      case Where::paired:
        s.place = Place::paired;
        s.peer = label(p.peer);
        break;
      case Where::in_room:
        s.place = Place::room;
        s.room = p.room;
        break;
    }
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const ParticipantState& a, const ParticipantState& b) { return a.id < b.id; });
  return out;
}
const Limits& Service::limits() const { return impl_->limits; }
const Service::Counters& Service::counters() const { return impl_->counters; }

}  // namespace relay::chat
