// relay::poll::Sessions: the long-poll session store (relay/README.md "Endpoints
// surface": /poll/open, /poll/send, /poll/recv).
//
// What it owns: session ids (128 bits from the OS CSPRNG, 32 lowercase hex),
// the chat participant behind each, the time of the last /poll/recv and the
// 60 s expiry. What it leaves out: lws, held GETs (R1 keeps the wsi
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

namespace relay::poll {

struct Session {
  std::string id;                         // 32 lowercase hex digits
  chat::ParticipantId participant = 0;
  std::int64_t opened_us = 0;
  std::int64_t last_recv_us = 0;          // starts at opened_us
};

struct SessionLimits {
  std::int64_t expiry_us = 60'000'000;    // ended after this long without a recv
  std::size_t max_sessions = 10'000;      // open() beyond this -> nullptr (answer 503)
  // --deterministic: ids from a fixed-seed PRNG so two demo captures match.
  // Such ids are guessable: only for classroom replays and tests, never by default.
  bool deterministic = false;
};

class Sessions {
 public:
  explicit Sessions(SessionLimits limits = {});

  // A new session for participant. nullptr when max_sessions are open.
  // Throws std::system_error only if the OS has no randomness to give.
  const Session* open(chat::ParticipantId participant, std::int64_t now_us);
  // The session, or nullptr for a malformed or unknown id.
  const Session* find(std::string_view id) const;
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

  SessionLimits limits_;
  std::map<std::string, Session, std::less<>> sessions_;
  std::uint64_t deterministic_state_ = 0x77697265'6c616221;   // "wirelab!"
};

// 128 bits from the OS CSPRNG (getrandom), as 32 lowercase hex digits.
std::string random_session_id();

// Pops up to max_messages queued messages of participant and joins them into
// one JSON array "[{...},{...}]" for a /poll/recv 200 body; "" when none queued.
std::string drain_batch(chat::Service& chat, chat::ParticipantId participant,
                        std::size_t max_messages = 256);

}  // namespace relay::poll
