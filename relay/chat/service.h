// relay::chat::Service: the anonymous chat, transport-agnostic and transit-only.
//
// What it owns: participants ("Stranger 7f3a"), the stranger queue (`find`,
// FIFO pairing), rooms (`join`), typing and `left` notices, the per-participant
// token bucket and the bounded outgoing queue. The JSON messages are exactly
// relay/README.md "Chat messages". What it leaves out: sockets, lws, time
// (the caller passes now_us), logging. Message text lives only in the outgoing
// queues until pop() hands it to the transport (transit without storage).
//
// Threading: none. Every call comes from the lws service thread.
// Re-entrancy: on_ready and on_note run inside connect/receive/disconnect;
// they may call pop(), queued(), label(), exists(), but must not call
// connect(), receive() or disconnect().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace relay::chat {

using ParticipantId = std::uint64_t;   // never 0; never reused by one Service

enum class Transport : std::uint8_t { websocket, long_poll };

struct Limits {
  std::size_t max_text_bytes = 2000;   // `say` text longer (UTF-8 bytes) -> error too_long
  double rate_per_s = 10;              // token bucket per participant: refill rate ...
  double burst = 20;                   // ... and capacity; empty -> error rate_limited
  std::size_t max_queued = 256;        // outgoing messages per participant; oldest dropped + counted
};

// The relay's own account of who talks to whom, for the mirror's `chat` event.
// Never carries message text. One note per event and participant:
//   welcome {who}            a participant connected
//   waiting {who}            queued for a stranger
//   paired  {who, peer}      one note for each side of a new pair
//   joined  {who, room}      who entered room (peer "")
//   left    {who, peer|room} who left a pair (peer = former peer) or a room
//   said    {who, peer|room} who said something to peer, or to the room
struct ChatNote {
  ParticipantId who_id = 0;
  std::string event, who, peer;
  std::string room;                    // "" unless the event concerns a room
  bool bot = false;                    // `who` is one of --demo's scripted strangers
};

// Who arrives, for the welcome and the mirror. conn: the connection id the
// user can look for on the projector ("connection #12"; 0: not said). bot:
// the name of a --demo stranger ("a", "b"); a bot keeps one label for the
// whole run, so a class can follow it across reconnects.
struct Arrival {
  std::uint64_t conn = 0;
  std::string bot;
};

// Where a participant is now, for the mirror's `hello` snapshot (a late
// subscriber learns what earlier `chat` events said). Labels only, never text.
enum class Place : std::uint8_t { lobby, waiting, paired, room };
struct ParticipantState {
  ParticipantId id = 0;
  std::string label;                   // "Stranger 7f3a"
  Transport transport = Transport::websocket;
  Place place = Place::lobby;
  std::string peer;                    // the peer's label when paired, else ""
  std::string room;                    // the room when in one, else ""
  bool bot = false;
};

class Service {
 public:
  // deterministic=true: labels come from a PRNG seeded with label_seed only,
  // so the same calls give the same labels; otherwise the seed is mixed with
  // std::random_device.
  Service(Limits limits, std::uint64_t label_seed, bool deterministic);
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // A new participant; queues {"type":"welcome","you":...,"limits":{...}}
  // (plus "conn" and "bot" when the arrival says so).
  ParticipantId connect(Transport t, const Arrival& arrival = {});
  // One client message (a WebSocket text message or a /poll/send body).
  // Any reply or error is queued for id; nothing here throws for bad input.
  // now_us: a monotonic clock in microseconds (for the rate limit).
  void receive(ParticipantId id, std::string_view json_text, std::int64_t now_us);
  // The participant is gone: its peer or room gets `left`; its queue is freed.
  // Unknown ids are ignored.
  void disconnect(ParticipantId id);

  // Next outgoing JSON text for id, oldest first; false when none (or unknown id).
  bool pop(ParticipantId id, std::string& out);
  std::size_t queued(ParticipantId id) const;        // 0 for unknown ids
  std::size_t queued_bytes(ParticipantId id) const;  // JSON bytes of those messages
  std::uint64_t dropped(ParticipantId id) const;     // messages dropped from id's full queue

  // Called after each message queued for id (possibly many times before a pop):
  // R1 answers with lws_callback_on_writable or by waking a held poll.
  std::function<void(ParticipantId)> on_ready;
  // Called for every welcome/waiting/paired/joined/left/said (see ChatNote).
  std::function<void(const ChatNote&)> on_note;

  bool exists(ParticipantId id) const;
  const std::string& label(ParticipantId id) const;  // "Stranger 7f3a"; "" for unknown ids
  Transport transport(ParticipantId id) const;       // websocket for unknown ids
  std::size_t participants() const;
  // Humans (not bots) paired or in a room: the demo's strangers pause then.
  std::size_t humans_chatting() const;
  // Every participant, oldest first (ids ascending).
  std::vector<ParticipantState> snapshot() const;
  const Limits& limits() const;

  struct Counters {
    std::uint64_t said = 0;               // `said` messages queued for recipients
    std::uint64_t dropped_outgoing = 0;   // oldest messages dropped from full queues
    std::uint64_t rate_limited = 0;       // client messages refused by the token bucket
    std::uint64_t bad_messages = 0;       // error bad_message answers
    std::uint64_t too_long = 0;           // error too_long answers
    std::uint64_t not_paired = 0;         // error not_paired answers
    std::uint64_t pairs = 0;              // strangers paired
  };
  const Counters& counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace relay::chat
