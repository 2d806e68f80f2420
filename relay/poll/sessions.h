// relay::poll::Sessions: the long-poll session store (relay/README.md "Endpoints
// surface": /poll/open, /poll/send, /poll/recv).
//
// What it owns: session ids (128 bits from the OS CSPRNG, 32 lowercase hex),
// the chat participant behind each, the client address that opened it (an id
// is honoured only from that address), the time of the last /poll/recv, the
// 60 s expiry, and who may open a session: at most max_per_address sessions
// per address, and opens per second per address and relay-wide. What it leaves out: lws, held GETs (R1 keeps the wsi
// bookkeeping), the chat itself (relay::chat::Service).
//
// Typical glue (relay/inner/poll_http.cpp):
//   POST /poll/open:  pid = chat.connect(long_poll); s = sessions.open(pid, now)
//                     -> 200 {"session": s->id}  (nullptr -> 503, store full)
//   POST /poll/send:  s = sessions.find(arg) -> nullptr: 404 not_found_body(arg)
//                     else chat.receive(s->participant, body, now) -> 204
//   GET  /poll/recv:  s = sessions.find(arg); sessions.touch_recv(arg, now);
//                     body = drain_batch(chat, s->participant) -> "" ? hold : 200 body
//                     (touch again when the held GET is answered)
//   every second:     for (auto& e : sessions.expire(now)) chat.disconnect(e.participant)
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "relay/chat/service.h"
#include "relay/chat/token_bucket.h"

namespace relay::poll {

struct Session {
  std::string id;                         // 32 lowercase hex digits
  chat::ParticipantId participant = 0;
  std::int64_t opened_us = 0;
  std::int64_t last_recv_us = 0;          // starts at opened_us
  std::string address;                    // the client address of /poll/open (never shown anywhere)
};

struct SessionLimits {
  std::int64_t expiry_us = 60'000'000;    // ended after this long without a recv
  std::size_t max_sessions = 10'000;      // open() beyond this -> nullptr (answer 503)
  // --deterministic: ids from a fixed-seed PRNG so two demo captures match.
  // Such ids are guessable: only for classroom replays and tests, never by default.
  bool deterministic = false;
  // One client cannot take every session: sessions per address, and opens
  // per second (token buckets: rate, burst) per address and relay-wide.
  std::size_t max_per_address = 16;
  double opens_per_s_per_address = 5, opens_burst_per_address = 10;
  double opens_per_s = 100, opens_burst = 200;
};

// Why admit() refused a /poll/open.
enum class Refusal : std::uint8_t {
  none,
  store_full,       // max_sessions open: 503
  address_full,     // max_per_address open from this address: 503
  address_rate,     // this address opens too fast: 429
  relay_rate,       // everyone together opens too fast: 429
};
const char* refusal_name(Refusal r);   // "store_full", ...

class Sessions {
 public:
  explicit Sessions(SessionLimits limits = {});

  // May address open a session now? Refusal::none takes one open from the
  // rate buckets, and the next open() from that address then succeeds.
  Refusal admit(std::string_view address, std::int64_t now_us);
  // A new session for participant, bound to address. nullptr when
  // max_sessions (or max_per_address from address) are open; open() alone
  // does not apply the rate limits (admit() does).
  // Throws std::system_error only if the OS has no randomness to give.
  const Session* open(chat::ParticipantId participant, std::int64_t now_us, std::string_view address = {});
  // The session, or nullptr for a malformed or unknown id, or one opened
  // from another address (the same answer: an id is not worth more elsewhere).
  const Session* find(std::string_view id, std::string_view address = {}) const;
  std::size_t count_from(std::string_view address) const;
  struct Counters {
    std::uint64_t refused_store_full = 0, refused_address_full = 0;
    std::uint64_t refused_address_rate = 0, refused_relay_rate = 0;
    std::uint64_t wrong_address = 0;        // a live id presented from another address
  };
  const Counters& counters() const { return counters_; }
  // A /poll/recv arrived (or a held one was answered). false for unknown ids.
  bool touch_recv(std::string_view id, std::int64_t now_us);
  // Removes and returns the sessions with no recv for expiry_us (now - last_recv_us >= expiry_us).
  std::vector<Session> expire(std::int64_t now_us);
  // Removes one session (e.g. at shutdown); false when unknown.
  bool erase(std::string_view id);
  std::size_t size() const;
  std::vector<Session> all() const;       // a copy, e.g. to end every session at shutdown
  const SessionLimits& limits() const;

  // 32 lowercase hex digits, nothing else.
  static bool is_well_formed(std::string_view id);
  // The 404 JSON body for an id that find() refused:
  //   {"error":"malformed_session","detail":"..."} or {"error":"unknown_session","detail":"..."}
  static std::string not_found_body(std::string_view id);

 private:
  std::string next_id();
  void forget_address(const std::string& address);

  // Per address: its open sessions and its opens bucket. An entry goes when
  // it has no session and its bucket is full again (expire()), so the map is
  // bounded by the addresses active in the last few seconds.
  struct AddressState {
    std::size_t sessions = 0;
    chat::TokenBucket opens;
    std::int64_t last_open_us = 0;
  };
  AddressState& address_state(std::string_view address, std::int64_t now_us);

  SessionLimits limits_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::map<std::string, AddressState, std::less<>> addresses_;
  chat::TokenBucket relay_opens_;
  mutable Counters counters_;
  std::uint64_t deterministic_state_ = 0x77697265'6c616221;   // "wirelab!"
};

// 128 bits from the OS CSPRNG (getrandom), as 32 lowercase hex digits.
std::string random_session_id();

// Pops up to max_messages queued messages of participant and joins them into
// one JSON array "[{...},{...}]" for a /poll/recv 200 body; "" when none queued.
std::string drain_batch(chat::Service& chat, chat::ParticipantId participant,
                        std::size_t max_messages = 256);

}  // namespace relay::poll
